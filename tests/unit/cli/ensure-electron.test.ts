/**
 * ensureElectron (npm start, runlab start): downloads the Electron binary on first start only
 * where that is all that is missing and a display exists, and turns a failed download into a
 * reason to serve the browser UI. Electron's installer (node_modules/electron/install.js,
 * which downloads from GitHub) is stood in for by small scripts in a temp package folder; the
 * code under test runs them as real child processes.
 */
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { electronStatus } from '../../../scripts/electron-status.js';
import { ensureElectron } from '../../../scripts/ensure-electron.js';

let pkg: string;
const display = { DISPLAY: ':0' };

/** An installer that does what electron/install.js does on success: dist/electron and path.txt. */
const SUCCEEDS = `
const fs = require('node:fs');
if (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) process.exit(0);
fs.mkdirSync(__dirname + '/dist', { recursive: true });
fs.writeFileSync(__dirname + '/dist/electron', '#!/bin/sh\\n', { mode: 0o755 });
fs.writeFileSync(__dirname + '/path.txt', 'electron');
fs.appendFileSync(__dirname + '/runs.txt', 'ran\\n');
`;
/** What electron/install.js prints offline here: the error's stack, exit 1. */
const FAILS_OFFLINE = `
console.error('RequestError: getaddrinfo ENOTFOUND github.com\\n    at ClientRequest.<anonymous> (got/index.js:970:111)');
process.exit(1);
`;

async function installer(source: string): Promise<void> {
  await writeFile(join(pkg, 'install.js'), source);
}

beforeEach(async () => {
  pkg = await mkdtemp(join(tmpdir(), 'runlab-electron-pkg-'));
  await writeFile(join(pkg, 'package.json'), JSON.stringify({ name: 'electron', version: '41.7.1' }));
});

afterEach(async () => {
  await rm(pkg, { recursive: true, force: true });
});

describe('electronStatus', () => {
  it('calls a missing binary downloadable only where there is a display', () => {
    expect(electronStatus(display, 'linux', pkg)).toMatchObject({
      ok: false,
      reason: 'its binary was not downloaded yet',
      downloadable: true,
    });
    expect(electronStatus({}, 'linux', pkg)).toMatchObject({
      ok: false,
      reason: 'there is no display (DISPLAY and WAYLAND_DISPLAY are unset; try xvfb-run), and its binary was not downloaded',
      downloadable: false,
    });
    expect(electronStatus({}, 'darwin', pkg)).toMatchObject({ ok: false, downloadable: true });
  });

  it('says the package is missing when it is not installed', () => {
    expect(electronStatus(display, 'linux', null)).toEqual({
      ok: false,
      reason: 'the electron package is not installed (npm install)',
      downloadable: false,
    });
  });
});

describe('ensureElectron', () => {
  it('downloads the binary on first start, even where ELECTRON_SKIP_BINARY_DOWNLOAD is set, then not again', async () => {
    await installer(SUCCEEDS);
    const env = { ...display, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' };
    expect(await ensureElectron(env, 'linux', pkg)).toEqual({ ok: true, binary: join(pkg, 'dist/electron') });
    expect(await ensureElectron(env, 'linux', pkg)).toEqual({ ok: true, binary: join(pkg, 'dist/electron') });
    expect(await readFile(join(pkg, 'runs.txt'), 'utf8')).toBe('ran\n');
  });

  it('downloads nothing where there is no display to show the app on', async () => {
    await installer(SUCCEEDS);
    expect(await ensureElectron({}, 'linux', pkg)).toMatchObject({
      ok: false,
      reason: 'there is no display (DISPLAY and WAYLAND_DISPLAY are unset; try xvfb-run), and its binary was not downloaded',
    });
    await expect(readFile(join(pkg, 'runs.txt'), 'utf8')).rejects.toThrow(/ENOENT/);
  });

  it('turns a failed download into a one-line reason naming the error', async () => {
    await installer(FAILS_OFFLINE);
    expect(await ensureElectron(display, 'linux', pkg)).toEqual({
      ok: false,
      reason: 'its binary was not downloaded yet, and downloading it failed: RequestError: getaddrinfo ENOTFOUND github.com',
      downloadable: false,
    });
  });

  it('re-downloads a binary that went missing after a download', async () => {
    await installer(SUCCEEDS);
    await writeFile(join(pkg, 'path.txt'), 'electron');
    await mkdir(join(pkg, 'dist'));
    expect(electronStatus(display, 'linux', pkg)).toMatchObject({ ok: false, downloadable: true });
    // With no display as well, the display is named first and nothing is downloaded.
    expect(electronStatus({}, 'linux', pkg)).toMatchObject({
      ok: false,
      reason: `there is no display (DISPLAY and WAYLAND_DISPLAY are unset; try xvfb-run), and its binary is missing (${join(pkg, 'dist/electron')})`,
      downloadable: false,
    });
    expect(await ensureElectron(display, 'linux', pkg)).toEqual({ ok: true, binary: join(pkg, 'dist/electron') });
  });
});
