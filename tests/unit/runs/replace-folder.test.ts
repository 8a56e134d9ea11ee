/**
 * replaceFolder and recoverFolders (issue 12, case 6): a checkpoint folder is swapped so the
 * old one stays until the new one is in place, and what a crash at any step leaves is put
 * right — checked state by state, and by killing (-9) a real process that replaces a folder
 * in a loop, again and again, at random moments.
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recoverFolders, replaceFolder } from '../../../src/main/fs/replace-folder';
import { recoverModelFolders } from '../../../src/main/training/models/model-folder';

let parent: string;
beforeEach(async () => {
  parent = await mkdtemp(join(tmpdir(), 'runlab-replace-'));
});
afterEach(async () => {
  await rm(parent, { recursive: true, force: true });
});

const read = async (dir: string) =>
  Object.fromEntries(await Promise.all((await readdir(dir)).sort().map(async (f) => [f, await readFile(join(dir, f), 'utf8')])));
const folder = async (name: string, files: Record<string, string>) => {
  await mkdir(join(parent, name));
  for (const [f, text] of Object.entries(files)) await writeFile(join(parent, name, f), text);
};

describe('replaceFolder', () => {
  it('puts the new folder in place of the old, leaving nothing else behind', async () => {
    const dir = join(parent, 'last');
    await replaceFolder(dir, { 'model.json': 'one', 'weights.bin': new Uint8Array([1]) });
    await replaceFolder(dir, { 'model.json': 'two', 'weights.bin': new Uint8Array([2, 2]) });
    expect(await readdir(parent)).toEqual(['last']);
    expect(await read(dir)).toEqual({ 'model.json': 'two', 'weights.bin': '\u0002\u0002' });
  });

  it('keeps the old folder when the new one cannot be written', async () => {
    const dir = join(parent, 'last');
    await replaceFolder(dir, { 'model.json': 'one' });
    await expect(replaceFolder(dir, { 'model.json': 'two', 'no/such/sub': 'x' })).rejects.toThrow();
    expect(await readdir(parent)).toEqual(['last']);
    expect(await read(dir)).toEqual({ 'model.json': 'one' });
  });
});

describe('recoverFolders, one crash state at a time', () => {
  it('removes leftovers beside a folder that is in place', async () => {
    await folder('last', { f: 'current' });
    await folder('last.tmp-1-aa', { f: 'half' });
    await folder('last.old-2-bb', { f: 'previous' });
    await folder('last.ready-3-cc', { f: 'unused' });
    expect(await recoverFolders(parent)).toEqual([]);
    expect(await readdir(parent)).toEqual(['last']);
    expect(await read(join(parent, 'last'))).toEqual({ f: 'current' });
  });

  it('a crash between moving the old one aside and putting the new one in: the new one goes in', async () => {
    await folder('best.old-7-aa', { f: 'previous' });
    await folder('best.ready-7-aa', { f: 'new' });
    expect(await recoverFolders(parent)).toEqual(['best']);
    expect(await readdir(parent)).toEqual(['best']);
    expect(await read(join(parent, 'best'))).toEqual({ f: 'new' });
  });

  it('only the old one left: it comes back', async () => {
    await folder('last.old-7-aa', { f: 'previous' });
    await folder('last.tmp-8-bb', { f: 'half' });
    expect(await recoverFolders(parent)).toEqual(['last']);
    expect(await read(join(parent, 'last'))).toEqual({ f: 'previous' });
    expect(await readdir(parent)).toEqual(['last']);
  });

  it('a lone temp folder (what older Runlabs left) replaces a missing model only if it is whole', async () => {
    const manifest = JSON.stringify({
      weightsManifest: [{ paths: ['weights.bin'], weights: [{ name: 'w', shape: [2, 3], dtype: 'float32' }] }],
    });
    await folder('last.tmp-1-aa', { 'model.json': manifest, 'weights.bin': 'x'.repeat(24) });
    await folder('best.tmp-1-bb', { 'model.json': manifest, 'weights.bin': 'x'.repeat(10) });
    expect(await recoverModelFolders(parent)).toEqual(['last']);
    expect((await readdir(parent)).sort()).toEqual(['last']);
  });
});

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

describe('a writer killed with -9 at random moments', () => {
  it('leaves, after recovery, one whole folder each time — never none, never a mix of two generations', async () => {
    const dir = join(parent, 'last');
    let last = 0;
    for (let round = 0; round < 8; round++) {
      const child = spawn(process.execPath, ['--import', TSX, join(ROOT, 'tests/unit/runs/helpers/replace-loop.ts')], {
        env: { ...process.env, DIR: dir, FROM: String(last) },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      await new Promise((resolve) => child.stdout.once('data', resolve));
      await new Promise((resolve) => setTimeout(resolve, 30 + Math.random() * 300));
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
      await recoverFolders(parent);
      const names = await readdir(parent);
      if (last === 0 && names.length === 0) continue; // killed before its first save finished
      expect(names).toEqual(['last']);
      const { a, b } = await read(dir);
      expect(a).toBe(b);
      const generation = Number(a!.split('\n')[0]);
      expect(generation).toBeGreaterThanOrEqual(last);
      last = generation;
    }
    expect(last).toBeGreaterThan(0);
  });
});
