import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Each test file opens its own embedded ClickHouse path, and the engine allows one path per process.
    pool: 'forks',
    // Two cores: more parallel files only fight over them (and over the Temporal dev server).
    maxWorkers: 2,
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
