import { defineConfig } from 'vitest/config';

/** The chaos suite (`npm run test:chaos`): the real Asterisk of the e2e suite, SIPp, a durable Redis, `dialerd run` killed again and again. */
export default defineConfig({
  test: {
    root: new URL('../../..', import.meta.url).pathname,
    include: ['test/e2e/chaos/**/*.test.ts'],
    globalSetup: ['test/e2e/asterisk/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 600_000,
    hookTimeout: 600_000,
  },
});
