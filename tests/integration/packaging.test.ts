/**
 * Packaging (`npm run dist`, electron-builder.json) without the Electron download: the real
 * electron-builder packs the built app (see helpers/pack-app.ts), and this checks that what the
 * packaged app loads at run time is there — every file electron-vite built, the window's files
 * and icon, the trainer entry, every package the main side imports and what those need in turn
 * — that the wasm binaries and tfjs-node-gpu's native files sit outside app.asar, and finally
 * trains a real run from the packed files.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import asar from '@electron/asar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../../scripts/build-if-stale.js';
import { appPage } from '../../src/main/app-page';
import { LabService } from '../../src/main/lab';
import { ChildProcessLauncher } from '../../src/main/runs/trainer/trainer-launcher';
import { ROOT } from '../helpers/runlab-cli';
import { NODE_GPU, NODE_GPU_STAND_IN_FILES, packApp, type PackedApp } from './helpers/pack-app';

interface BuilderConfig {
  files: string[];
  asarUnpack: string[];
  linux: { target: string[]; icon: string };
  mac: { target: string[]; icon: string };
  win: { target: string[]; icon: string };
  nsis?: object;
}

const config = JSON.parse(readFileSync(join(ROOT, 'electron-builder.json'), 'utf8')) as BuilderConfig;
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { main: string; type: string; scripts: Record<string, string> };

let scratch: string;
let packed: PackedApp;
/** app.asar unpacked into a folder, with its unpacked files put back in place: the app's view of its files. */
let app: string;
let asarFile: string;

beforeAll(async () => {
  ensureBuilt({ quiet: true });
  scratch = await mkdtemp(join(tmpdir(), 'runlab-packaging-'));
  packed = await packApp(scratch);
  asarFile = join(packed.resources, 'app.asar');
  app = join(scratch, 'app');
  asar.extractAll(asarFile, app);
}, 300_000);

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split(sep).join('/'));
}

/**
 * Imported by code the app bundles but never runs: the CLI's ChildProcessLauncher starts
 * trainers through tsx, while the app's trainers are utilityProcesses of the built JavaScript
 * (electron-builder.json leaves tsx and esbuild out).
 */
const NOT_LOADED_BY_THE_APP = ['tsx'];

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** Whether app.asar's header marks a file as stored outside it (in app.asar.unpacked). */
function unpacked(path: string): boolean {
  return (asar.statFile(asarFile, path, false) as { unpacked?: boolean }).unpacked === true;
}

/** Node's package lookup: the nearest node_modules/<name> from `fromDir` up to `root`. */
function findPackage(name: string, fromDir: string, root: string): string | null {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dir === root || !dir.startsWith(root)) return null;
  }
}

interface Manifest {
  version: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

/**
 * The packages `wanted` (looked up from `fromDir`) need, as Node would find them under `root`:
 * each found copy as `name@version (path)`, and what is missing with who needs it.
 */
function packageClosure(root: string, fromDir: string, wanted: string[], optional: string[]) {
  const found = new Map<string, string>();
  const missing: string[] = [];
  const visit = (name: string, from: string, isOptional: boolean) => {
    // Type declarations only: electron-builder leaves them out, nothing loads them.
    if (name.startsWith('@types/')) return;
    const dir = findPackage(name, from, root);
    if (!dir) {
      if (!isOptional) missing.push(`${name} (needed from ${relative(root, from) || '.'})`);
      return;
    }
    if (found.has(dir)) return;
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;
    found.set(dir, `${name}@${manifest.version} (${relative(root, dir)})`);
    for (const dep of Object.keys(manifest.dependencies ?? {})) visit(dep, dir, dep in (manifest.optionalDependencies ?? {}));
    for (const dep of Object.keys(manifest.optionalDependencies ?? {})) visit(dep, dir, true);
    // An optional peer (node-fetch's `encoding`) is loaded only if the app itself brings it.
    for (const dep of Object.keys(manifest.peerDependencies ?? {}))
      if (manifest.peerDependenciesMeta?.[dep]?.optional !== true) visit(dep, dir, false);
  };
  for (const name of wanted) visit(name, fromDir, optional.includes(name));
  return { packages: [...found.values()].sort(), missing };
}

/** Bare package names the built main side imports or resolves (import, import(), require, require.resolve). */
function importedPackages(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  const names = new Set<string>();
  // `from` not inside a string: a field named "from" (getMetricsView's) is no import.
  for (const match of source.matchAll(
    /(?:(?<!["'\w])from\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|\.resolve\s*\(\s*)["']([^"'./][^"']*)["']/g,
  )) {
    const specifier = match[1]!;
    const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!;
    if (name === 'electron' || name.startsWith('node:') || builtinModules.includes(name)) continue;
    names.add(name);
  }
  return [...names];
}

describe('electron-builder.json', () => {
  it('builds AppImage and deb on Linux, dmg on macOS, nsis on Windows, each with our icon', () => {
    expect(pkg.scripts['dist']).toBe('electron-vite build && electron-builder');
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.mac.target).toEqual(['dmg']);
    expect(config.win.target).toEqual(['nsis']);
    expect(config.nsis).toBeDefined();
    expect(readdirSync(join(ROOT, config.linux.icon))).toContain('512x512.png');
    expect(existsSync(join(ROOT, config.mac.icon))).toBe(true);
    expect(config.mac.icon).toMatch(/1024x1024\.png$/);
    expect(existsSync(join(ROOT, config.win.icon))).toBe(true);
  });

  it('packs without downloading anything', () => {
    expect(packed.log).toContain('copying Electron');
    expect(packed.log).not.toMatch(/download/i);
    expect(existsSync(join(packed.resources, '..', 'runlab'))).toBe(true);
  });
});

describe('the packaged app', () => {
  it('holds every file electron-vite built (but source maps), byte for byte', () => {
    const built = filesUnder(join(ROOT, 'out')).filter((file) => !file.endsWith('.map'));
    expect(built).toEqual(expect.arrayContaining(['main/index.js', 'main/trainer-process.js', 'preload/index.cjs', 'renderer/index.html']));
    for (const file of built) expect(sha(join(app, 'out', file)), file).toBe(sha(join(ROOT, 'out', file)));
  });

  it('starts at package.json main, and finds the window’s page, preload, icon and trainer entry from there', () => {
    const packedPkg = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8')) as { main: string; type: string };
    expect(packedPkg).toMatchObject({ main: pkg.main, type: 'module' });
    const mainDir = dirname(join(app, packedPkg.main));
    const page = appPage(mainDir);
    for (const file of [page.indexFile, page.preloadFile, page.iconFile, join(mainDir, 'trainer-process.js')]) {
      expect(existsSync(file), file).toBe(true);
    }
    expect(unpacked(relative(app, page.iconFile))).toBe(true);
  });

  it('has every package the main side loads, and everything those need, once each', () => {
    const wanted = [
      ...new Set(
        filesUnder(join(app, 'out/main'))
          .filter((file) => file.endsWith('.js'))
          .flatMap((file) => importedPackages(join(app, 'out/main', file))),
      ),
    ];
    // From the sources: the engine, its data and the store.
    expect(wanted).toEqual(expect.arrayContaining(['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', 'mnist', 'papaparse', 'zod']));
    const packedDeps = packageClosure(app, join(app, 'out/main'), wanted, NOT_LOADED_BY_THE_APP);
    expect(packedDeps.missing).toEqual([]);
    // The same packages, as many copies of each, as npm installed (electron-builder may move
    // one, e.g. nest a package only one other needs): none dropped, none doubled where a hoisted
    // copy is meant to be shared (two TensorFlow.js engines, say, each with half the backends).
    const stage = dirname(packed.nodeModules);
    const installed = packageClosure(
      stage,
      join(stage, 'out/main'),
      wanted.filter((name) => !NOT_LOADED_BY_THE_APP.includes(name)),
      [],
    );
    const ids = (packages: string[]) => packages.map((id) => id.replace(/ \(.*\)$/, '')).sort();
    expect(ids(packedDeps.packages)).toEqual(ids(installed.packages));
    expect(packedDeps.packages.filter((id) => id.startsWith('@tensorflow/tfjs-core@'))).toEqual([
      '@tensorflow/tfjs-core@4.22.0 (node_modules/@tensorflow/tfjs-core)',
    ]);
  });

  it('keeps the wasm binaries outside app.asar, byte for byte', () => {
    const dist = 'node_modules/@tensorflow/tfjs-backend-wasm/dist';
    const wasm = readdirSync(join(ROOT, dist)).filter((file) => file.endsWith('.wasm'));
    expect(wasm.sort()).toEqual(['tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm', 'tfjs-backend-wasm.wasm']);
    for (const file of wasm) {
      expect(unpacked(`${dist}/${file}`), file).toBe(true);
      expect(sha(join(packed.resources, 'app.asar.unpacked', dist, file))).toBe(sha(join(ROOT, dist, file)));
    }
  });

  it("keeps sharp's addon and libvips (image folders) outside app.asar, byte for byte", () => {
    const natives = [
      `node_modules/@img/sharp-${process.platform}-${process.arch}/lib`,
      `node_modules/@img/sharp-libvips-${process.platform}-${process.arch}/lib`,
    ]
      .flatMap((dir) => readdirSync(join(ROOT, dir)).map((file) => `${dir}/${file}`))
      .filter((path) => /\.node$|\.so(\.|$)|\.dylib$|\.dll$/.test(path));
    expect(natives.some((p) => p.endsWith('.node'))).toBe(true);
    expect(natives.some((p) => p.includes('libvips'))).toBe(true);
    for (const path of natives) {
      expect(unpacked(path), path).toBe(true);
      expect(sha(join(packed.resources, 'app.asar.unpacked', path))).toBe(sha(join(ROOT, path)));
    }
  });

  it('keeps all of tfjs-node-gpu (its N-API addon and libtensorflow) outside app.asar', () => {
    const gpu = join(packed.nodeModules, NODE_GPU);
    const files = filesUnder(gpu);
    if (packed.nodeGpuStandIn) expect(files.sort()).toEqual([...NODE_GPU_STAND_IN_FILES].sort());
    for (const file of files) {
      const path = `node_modules/${NODE_GPU}/${file}`;
      expect(unpacked(path), path).toBe(true);
      expect(statSync(join(packed.resources, 'app.asar.unpacked', path)).size).toBe(statSync(join(gpu, file)).size);
    }
  });

  it('trains a run from the packed files (the trainer entry, TensorFlow.js, the wasm backend, the mnist digits)', async () => {
    const dataDir = join(scratch, 'data');
    const launcher = new ChildProcessLauncher({ modulePath: join(app, 'out/main/trainer-process.js'), stdout: 'ignore' });
    const service = await LabService.open({ dataDir, launcher });
    try {
      const run = await service.call('startRun', { config: { epochs: 1, stopAfter: 10, backend: 'wasm' } });
      const final = await service.supervisor.whenSettled(run.id);
      expect(final).toMatchObject({ status: 'completed', backend: 'wasm' });
    } finally {
      await service.close();
    }
  }, 120_000);
});
