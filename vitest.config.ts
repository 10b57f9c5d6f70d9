import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Tests that spawn the real server build it first; one build serves every file.
    globalSetup: ['test/global-setup.ts'],
  },
});
