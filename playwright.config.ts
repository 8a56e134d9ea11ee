/**
 * End-to-end specs. `chromium`: the UI through the web host in the system Chromium (every
 * spec but electron.spec.ts). `electron`: the desktop app through Playwright's _electron —
 * those skip themselves where the Electron binary or a display is missing.
 */
import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './tests/e2e/fixtures/chromium';

export default defineConfig({
  testDir: 'tests/e2e',
  globalSetup: './tests/e2e/global-setup.ts',
  // Two cores: one spec at a time beside its host and trainer processes.
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env['CI'],
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  // Overridable so two runs in one checkout do not wipe each other's artifacts.
  outputDir: process.env['RUNLAB_E2E_OUTPUT'] ?? 'test-results/e2e',
  use: {
    trace: 'retain-on-failure',
    actionTimeout: 10_000,
    navigationTimeout: 15_000,
  },
  projects: [
    {
      name: 'chromium',
      testMatch: /.*\.spec\.ts$/,
      testIgnore: /electron\.spec\.ts$/,
      use: {
        browserName: 'chromium',
        launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS },
      },
    },
    {
      name: 'electron',
      testMatch: /electron\.spec\.ts$/,
    },
  ],
});
