#!/usr/bin/env node
// `npm test`: every check a change must pass, in order, with one closing summary line.
// Stages: typecheck (tsc + svelte-check) → lint (ESLint, Prettier) → unit/integration (vitest) → build (app, trainer bundle) → e2e (Playwright
// in Chromium through the web host; Electron specs skip where the binary is absent) → the
// Electron security audit.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const reports = mkdtempSync(join(tmpdir(), 'runlab-test-'));
const totals = { passed: 0, failed: 0, skipped: 0 };
const failures = [];

function run(label, cmd, args, env = {}) {
  console.log(`\n▶ ${label}: ${cmd} ${args.join(' ')}`);
  const started = Date.now();
  const result = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const ok = result.status === 0;
  console.log(`${ok ? '✔' : '✘'} ${label} (${seconds} s)`);
  if (!ok) failures.push(label);
  return ok;
}

function countVitest(file) {
  if (!existsSync(file)) return;
  const r = JSON.parse(readFileSync(file, 'utf8'));
  totals.passed += r.numPassedTests ?? 0;
  totals.failed += r.numFailedTests ?? 0;
  totals.skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
}

function countPlaywright(file) {
  if (!existsSync(file)) return;
  const s = JSON.parse(readFileSync(file, 'utf8')).stats ?? {};
  totals.passed += (s.expected ?? 0) + (s.flaky ?? 0);
  totals.failed += s.unexpected ?? 0;
  totals.skipped += s.skipped ?? 0;
}

const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
run('typecheck (main, preload, shared, tests)', npx, ['tsc', '--noEmit', '-p', 'tsconfig.node.json']);
run('typecheck (renderer, svelte-check)', npx, [
  'svelte-check',
  '--tsconfig',
  './tsconfig.web.json',
  '--fail-on-warnings',
  '--output',
  'human',
]);

run('lint (ESLint)', npx, ['eslint', '.']);
run('format (Prettier --check)', npx, ['prettier', '--check', '.', '--log-level', 'warn']);

const vitestJson = join(reports, 'vitest.json');
run('unit and integration tests (vitest)', npx, [
  'vitest',
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${vitestJson}`,
]);
countVitest(vitestJson);

if (run('build (electron-vite)', npx, ['electron-vite', 'build']) && run('build (trainer bundle)', 'node', ['scripts/build-trainer.js'])) {
  const pwJson = join(reports, 'playwright.json');
  run('end-to-end tests (Playwright, Chromium)', npx, ['playwright', 'test', '--reporter=list,json'], {
    PLAYWRIGHT_JSON_OUTPUT_NAME: pwJson,
  });
  countPlaywright(pwJson);
}
run('Electron security audit (electronegativity)', 'node', ['scripts/electronegativity.js']);

console.log('');
if (failures.length > 0) console.log(`Failed stages: ${failures.join(', ')}`);
console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(failures.length > 0 || totals.failed > 0 ? 1 : 0);
