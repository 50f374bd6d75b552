import { defineConfig } from 'vitest/config';

/** The real-Asterisk suite (`npm run test:asterisk`): root, a chroot Asterisk, SIPp on loopback. */
export default defineConfig({
  test: {
    root: new URL('../..', import.meta.url).pathname,
    include: ['test/e2e/asterisk/**/*.test.ts'],
    globalSetup: ['test/e2e/asterisk/global-setup.ts'],
    // one Asterisk, one set of ports: files run one after another
    fileParallelism: false,
    testTimeout: 120_000,
    // a cold cache builds the chroot (debootstrap + apt, ~1-2 min)
    hookTimeout: 600_000,
  },
});
