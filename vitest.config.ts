import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // End-to-end tests start real clients against loopback fakes; give them room on a shared machine.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
