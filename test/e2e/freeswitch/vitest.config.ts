import { defineConfig } from 'vitest/config';

/** The real-FreeSWITCH suite (`npm run test:freeswitch`): root, ../shared/lab/freeswitch, SIPp on loopback. */
export default defineConfig({
  test: {
    root: new URL('../../..', import.meta.url).pathname,
    include: ['test/e2e/freeswitch/**/*.test.ts'],
    globalSetup: ['test/e2e/freeswitch/global-setup.ts'],
    // one FreeSWITCH, one carrier port: files run one after another
    fileParallelism: false,
    testTimeout: 60_000,
    // a cold cache unpacks the tarball and apt-installs runtime libraries and SIPp
    hookTimeout: 600_000,
  },
});
