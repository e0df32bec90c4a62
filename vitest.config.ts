import { defineConfig } from 'vitest/config';

// Two projects, two environments (the VS Code model): `node` holds unit, integration and
// Electron-glue tests (real files, processes, sockets; Electron itself faked), `browser` drives
// the built renderer in Debian's Chromium through playwright-core.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'node',
          include: [
            'test/unit/**/*.test.ts',
            'test/integration/**/*.test.ts',
            'test/electron/**/*.test.ts',
            'test/property/**/*.test.ts',
          ],
          environment: 'node',
          globalSetup: ['test/helpers/build-cli-once.ts'],
          testTimeout: 30_000,
          hookTimeout: 30_000,
          pool: 'forks',
        },
      },
      {
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
          pool: 'forks',
          fileParallelism: false,
        },
      },
    ],
  },
});
