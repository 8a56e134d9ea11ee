/**
 * Issue 12, cases 7 and 8 (exit codes): everything `runlab` prints reaches a real pipe whole,
 * usage errors exit 2 with one line, and numbers are read strictly. Real `node bin/runlab.js`
 * processes, with stdout piped through `cat` by a shell, as `runlab runs list --json | jq` does.
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunStore } from '../../../src/main/runs/store/store';
import { DEFAULT_HYPERPARAMS } from '../../../src/shared/hyperparams';
import { RUN_SCHEMA_VERSION, type RunRecord } from '../../../src/shared/records';
import { lines, ROOT, startRunlab } from '../../helpers/runlab-cli';

let home: string;
const RUNS = 1000;

/** `node bin/runlab.js ARGS | cat`, through a real shell pipe; resolves with what cat printed. */
function throughPipe(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const quoted = args.map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
  // pipefail: the exit code is runlab's, not cat's.
  const child = spawn('bash', ['-o', 'pipefail', '-c', `"${process.execPath}" bin/runlab.js ${quoted} | cat`], {
    cwd: ROOT,
    env: { ...process.env, RUNLAB_HOME: home },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

function record(i: number): RunRecord {
  const id = `20250101-${String(100000 + i).slice(1)}-${(0x1000 + i).toString(16).slice(-4)}`;
  return {
    schema: RUN_SCHEMA_VERSION,
    id,
    name: `run number ${i} with a name long enough to make the list big`,
    tags: ['pipe', `t${i % 7}`],
    notes: 'n'.repeat(40),
    config: DEFAULT_HYPERPARAMS,
    status: 'completed',
    backend: 'wasm',
    device: 'wasm (SIMD, 1 thread)',
    created: new Date(Date.UTC(2025, 0, 1, 0, 0, i)).toISOString(),
    started: null,
    ended: null,
    progress: null,
    summary: null,
    error: null,
    owner_pid: null,
    owner_started: null,
  };
}

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'runlab-pipes-'));
  // 1000 run folders written directly: the store's create() would take longer than the test.
  for (let i = 0; i < RUNS; i++) {
    const r = record(i);
    await mkdir(join(home, 'runs', r.id), { recursive: true });
    await writeFile(join(home, 'runs', r.id, 'run.json'), JSON.stringify(r));
  }
  const first = record(0).id;
  const rows = Array.from({ length: 3000 }, (_, k) => ({
    kind: 'iter' as const,
    iter: k + 1,
    epoch: (k + 1) / 1000,
    loss: 1 / (k + 1),
    lr: 0.5,
    t: k * 3,
  }));
  await new RunStore(home).appendMetrics(first, rows);
});

afterAll(async () => {
  await rm(home, { recursive: true, force: true });
});

describe('runlab through a pipe', () => {
  it('runs list --json of 1000 runs parses whole', async () => {
    const { code, stdout, stderr } = await throughPipe(['runs', 'list', '--json']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout.length).toBeGreaterThan(256 * 1024);
    const listed = JSON.parse(stdout) as Array<{ id: string }>;
    expect(listed).toHaveLength(RUNS);
    expect(listed.at(-1)!.id).toBe(record(RUNS - 1).id);
  });

  it('runs export without --out and runs show arrive whole', async () => {
    const id = record(0).id;
    const csv = await throughPipe(['runs', 'export', id, '--format', 'csv', '--table', 'iterations']);
    expect(csv.code).toBe(0);
    expect(csv.stdout.length).toBeGreaterThan(64 * 1024);
    expect(csv.stdout.endsWith('\n')).toBe(true);
    const json = await throughPipe(['runs', 'export', id, '--format', 'json']);
    expect(json.code).toBe(0);
    expect(json.stdout.length).toBeGreaterThan(128 * 1024);
    expect(() => JSON.parse(json.stdout)).not.toThrow();
    const shown = await throughPipe(['runs', 'show', id, '--json']);
    expect(JSON.parse(shown.stdout)).toMatchObject({ id });
  });

  it('a run too big for an export from the app is streamed as CSV, and written whole as JSON', async () => {
    const id = record(1).id;
    const rows = Array.from({ length: 200_001 }, (_, k) => ({
      kind: 'iter' as const,
      iter: k + 1,
      epoch: (k + 1) / 1000,
      loss: 0.5,
      lr: 0.5,
      t: k,
    }));
    await new RunStore(home).appendMetrics(id, rows);
    const csv = await throughPipe(['runs', 'export', id, '--table', 'iterations']);
    expect(csv.stderr).toBe('');
    const lines = csv.stdout.split('\n');
    expect(lines).toHaveLength(200_003); // header, rows, and the empty string after the last newline
    expect(lines[0]).toMatch(/^iteration,/);
    expect(lines[200_001]).toMatch(/^200001,/);
    expect(lines.filter((l) => l.startsWith('iteration,'))).toHaveLength(1);
    const json = await throughPipe(['runs', 'export', id, '--format', 'json']);
    expect((JSON.parse(json.stdout) as { iterations: unknown[] }).iterations).toHaveLength(200_001);
  });

  it('a reader that stops early ends the command quietly', async () => {
    const child = spawn('sh', ['-c', `"${process.execPath}" bin/runlab.js runs list --json | head -c 10 >/dev/null`], {
      cwd: ROOT,
      env: { ...process.env, RUNLAB_HOME: home },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    await new Promise((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
  });
});

describe.concurrent('usage errors', () => {
  const runlab = (...args: string[]) => startRunlab(args, home).done;

  it.each([
    [['train', '--learning-rate', '0.1'], "error: unknown option '--learning-rate'"],
    [['train', '--lrr', '1'], "error: unknown option '--lrr' (Did you mean --lr?)"],
    [['train', '--lr'], "error: option '--lr <x>' argument missing"],
    [['train', '--epochs', '0x2'], 'error: --epochs: Epochs must be a number'],
    [['train', '--hidden', '0x10,20'], 'error: --hidden: Hidden sizes: each size must be a number'],
    [['runs', 'show'], "error: missing required argument 'id'"],
    [['runs', 'show', 'a', 'b'], "error: too many arguments for 'show'. Expected 1 argument but got 2."],
    [
      ['runs', 'export', 'x', '--format', 'xml'],
      "error: option '--format <format>' argument 'xml' is invalid. Allowed choices are csv, json.",
    ],
    [['runs'], 'error: runlab runs: missing command; expected one of: list, show, export, rm (see runlab runs --help)'],
    [['runs', 'rmm', 'x'], 'error: runlab runs: unknown command "rmm"; expected one of: list, show, export, rm (see runlab runs --help)'],
    [
      [],
      'error: runlab: missing command; expected one of: train, sweep, lr-find, predict, interpret, resume, fork, edit, pause, runs, serve, start (see runlab --help)',
    ],
    [['serve', '--port', '0x10'], "error: option '--port <port>' argument '0x10' is invalid. expected a whole number from 0 to 65535."],
  ])('%j → exit 2 and one line', async (args, message) => {
    const { code, stdout, stderr } = await runlab(...args);
    expect(lines(stderr)).toEqual([message]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
  });

  it('help and version still exit 0', async () => {
    expect((await runlab('--version')).code).toBe(0);
    expect((await runlab('runs', '--help')).code).toBe(0);
  });
});

describe('numbers on the command line', () => {
  it('are read in plain decimal notation only; anything else is left for the schema to refuse', async () => {
    const { Command } = await import('commander');
    const { addFieldOptions, configFromFlags } = await import('../../../src/main/cli/flags-from-schema');
    const parse = (...args: string[]) => {
      const command = addFieldOptions(new Command('train').exitOverride());
      command.parse(args, { from: 'user' });
      return configFromFlags(command, undefined);
    };
    expect(parse('--epochs', '2', '--lr', '1e-3', '--momentum', '.5', '--seed', '+7')).toEqual({
      epochs: 2,
      lr: 0.001,
      momentum: 0.5,
      seed: 7,
    });
    for (const bad of ['0x2', '0b10', '0o7', 'Infinity', '-Infinity', 'NaN', '1_000', '2e', '1e-3x', '', ' ']) {
      expect(parse('--epochs', bad)).toEqual({ epochs: bad });
    }
    expect(parse('--hidden', '0x10,20')).toEqual({ hidden: ['0x10', 20] });
  });
});
