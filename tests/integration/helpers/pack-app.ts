/**
 * packApp: runs the real electron-builder on electron-builder.json (`--linux dir`, no installer
 * tools) without downloading Electron: `electronDist` points at a stand-in folder with a dummy
 * `electron` executable, which electron-builder copies and renames like the real one. The
 * project is staged in a temp folder (package.json, the builder config, out/, resources/, the
 * production packages hard-linked in npm's layout) so a stand-in for
 * @tensorflow/tfjs-node-gpu — an optional dependency that cannot install here — can be added,
 * with the files its real install has (a N-API addon and libtensorflow). Where the real package
 * is installed, it is packed instead. Returns the unpacked app's resources folder.
 */
import { execFile, execFileSync } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  existsSync,
  linkSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join, relative, sep } from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from '../../helpers/runlab-cli';

export const NODE_GPU = '@tensorflow/tfjs-node-gpu';

/** What `npm install @tensorflow/tfjs-node-gpu` leaves that must be on disk, not in app.asar. */
export const NODE_GPU_STAND_IN_FILES = ['package.json', 'dist/index.js', 'lib/napi-v8/tfjs_binding.node', 'deps/lib/libtensorflow.so.2'];

export interface PackedApp {
  /** linux-unpacked/resources: app.asar and app.asar.unpacked. */
  resources: string;
  /** The staged project's node_modules (the production packages, plus any stand-in). */
  nodeModules: string;
  /** True when tfjs-node-gpu is the stand-in (the real one is not installed here). */
  nodeGpuStandIn: boolean;
  log: string;
}

/** Hard-links (or, across file systems, copies) a package's files, without its nested node_modules. */
function mirrorPackage(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    if (entry.name === 'node_modules') continue;
    const source = join(from, entry.name);
    const target = join(to, entry.name);
    if (entry.isDirectory()) mirrorPackage(source, target);
    else if (entry.isSymbolicLink()) symlinkSync(readlinkSync(source), target);
    else {
      try {
        linkSync(source, target);
      } catch {
        copyFileSync(source, target);
      }
    }
  }
}

/**
 * The production packages as npm laid them out (electron-builder reads the layout: links to
 * packages would be packed as nested copies), plus the tfjs-node-gpu stand-in where needed.
 */
function stageNodeModules(stage: string): boolean {
  const listed = execFileSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], { cwd: ROOT, encoding: 'utf8' });
  for (const dir of listed.split('\n').filter((line) => line.startsWith(join(ROOT, 'node_modules') + sep))) {
    mirrorPackage(dir, join(stage, relative(ROOT, dir)));
  }
  const gpu = join(stage, 'node_modules', NODE_GPU);
  if (existsSync(gpu)) return false;
  for (const file of NODE_GPU_STAND_IN_FILES) {
    mkdirSync(join(gpu, file, '..'), { recursive: true });
    writeFileSync(join(gpu, file), `stand-in for ${file}\n`);
  }
  writeFileSync(join(gpu, 'package.json'), JSON.stringify({ name: NODE_GPU, version: '4.22.0', main: 'dist/index.js' }));
  writeFileSync(join(gpu, 'dist/index.js'), 'module.exports = {};\n');
  return true;
}

export async function packApp(scratch: string): Promise<PackedApp> {
  const stage = join(scratch, 'project');
  mkdirSync(stage);
  for (const entry of ['package.json', 'electron-builder.json', 'out', 'resources']) {
    cpSync(join(ROOT, entry), join(stage, entry), { recursive: true });
  }
  const nodeGpuStandIn = stageNodeModules(stage);

  const electronDist = join(scratch, 'electron-dist');
  mkdirSync(electronDist);
  writeFileSync(join(electronDist, 'electron'), '#!/bin/sh\necho "stand-in for the Electron binary"\n', { mode: 0o755 });

  const output = join(scratch, 'dist');
  const cli = join(ROOT, 'node_modules/electron-builder/cli.js');
  // The stage has no dev dependencies, so no electron package to read the version from.
  const { version: electronVersion } = JSON.parse(readFileSync(join(ROOT, 'node_modules/electron/package.json'), 'utf8')) as {
    version: string;
  };
  const args = [
    cli,
    '--linux',
    'dir',
    '--publish',
    'never',
    `-c.electronDist=${electronDist}`,
    `-c.electronVersion=${electronVersion}`,
    `-c.directories.output=${output}`,
  ];
  const { stdout, stderr } = await promisify(execFile)(process.execPath, args, {
    cwd: stage,
    env: { ...process.env, CI: '1', ELECTRON_BUILDER_CACHE: join(scratch, 'cache') },
    maxBuffer: 16 * 1024 * 1024,
  });
  return {
    resources: join(output, 'linux-unpacked/resources'),
    nodeModules: join(stage, 'node_modules'),
    nodeGpuStandIn,
    log: stdout + stderr,
  };
}
