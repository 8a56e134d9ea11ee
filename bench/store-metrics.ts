/**
 * Benchmark: metrics at scale (issue 12). For runs of 1M and 5M metric rows (generated with
 * bench/synthetic-runs.ts, written straight into metrics.jsonl), a real host process
 * (bench/store-metrics-host.ts: LabService + web host) is asked, over a WebSocket, what
 * Compare asks when it opens a big run — a one-bucket view (its size), then a 2000-bucket view
 * — cold (first read since the host started) and warm, then a zoomed view, a page of 10,000
 * rows, a view after 10,000 rows were appended, and getMetrics (refused: too big to send).
 * Meanwhile a second client asks `listRuns` every 10 ms; the report gives each request's time,
 * the longest that client waited, the longest stall of the host's event loop (and its 99th
 * percentile), and the host's CPU time per request — on a shared machine the wall times
 * include waiting for a core, the CPU time does not.
 *
 * Usage: npm run bench:store [-- --json] [--sizes 1000000,5000000]
 *        (npm run bench runs it as its `store` section, with {"sizes": [...]} as argument)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import WebSocket from 'ws';
import { DEFAULT_HYPERPARAMS } from '../src/shared/hyperparams';
import { toJsonl } from '../src/main/runs/store/jsonl';
import { RunStore } from '../src/main/runs/store/store';
import type { StoreBenchResult, StoreSizeResult, PhaseResult } from './lib/store-report';
import { formatStoreBench } from './lib/store-report';
import { syntheticRowChunks } from './synthetic-runs';

const HOST = fileURLToPath(new URL('./store-metrics-host.ts', import.meta.url));
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const BUCKETS = 2000;

async function writeRun(home: string, rows: number): Promise<string> {
  const store = new RunStore(home);
  const run = await store.create({ config: DEFAULT_HYPERPARAMS, name: `${rows} rows`, ownerPid: null });
  await store.update(run.id, (r) => ({ ...r, status: 'completed', ended: new Date().toISOString() }));
  const out = createWriteStream(join(home, 'runs', run.id, 'metrics.jsonl'));
  const spec = { name: 'big', iterations: rows, itersPerEpoch: 1000, seed: 12 };
  // Epoch rows add 0.1%: count iterations so the file holds about `rows` rows.
  for (const chunk of syntheticRowChunks({ ...spec, iterations: Math.round(rows / 1.001) }, 0.5, 20_000)) {
    if (!out.write(toJsonl(chunk))) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve, reject) => {
    out.once('error', reject);
    out.end(() => resolve());
  });
  return run.id;
}

class Host {
  private readonly lines: AsyncIterator<string>;
  private constructor(
    readonly child: ChildProcess,
    readonly url: URL,
    lines: AsyncIterator<string>,
  ) {
    this.lines = lines;
  }

  static async start(home: string): Promise<Host> {
    const child = spawn(process.execPath, ['--import', TSX, HOST], {
      env: { ...process.env, RUNLAB_HOME: home },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
    const first = await lines.next();
    const { url } = JSON.parse(first.value as string) as { url: string };
    return new Host(child, new URL(url), lines);
  }

  async command<T>(line: string): Promise<T> {
    this.child.stdin!.write(`${line}\n`);
    return JSON.parse((await this.lines.next()).value as string) as T;
  }

  async stop(): Promise<void> {
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.stdin!.write('exit\n');
    await exited;
  }
}

class Client {
  private nextId = 1;
  private readonly pending = new Map<number, (value: { ok: boolean; value?: unknown; error?: { message: string } }) => void>();
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const m = JSON.parse(data.toString()) as { id?: number; ok: boolean };
      if (typeof m.id === 'number') this.pending.get(m.id)?.(m);
      if (typeof m.id === 'number') this.pending.delete(m.id);
    });
  }

  static async connect(url: URL): Promise<Client> {
    const ws = new WebSocket(`ws://${url.host}/ws?token=${url.searchParams.get('token')}`, { origin: url.origin });
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    return new Client(ws);
  }

  call(method: string, params: unknown): Promise<{ ok: boolean; value?: unknown; error?: { message: string } }> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.ws.send(JSON.stringify({ id, method, params }));
    });
  }
}

/** The second client: `listRuns` every 10 ms, one at a time, keeping the longest wait. */
class Pinger {
  private running = false;
  private longest = 0;
  private loop: Promise<void> = Promise.resolve();

  constructor(private readonly client: Client) {}

  start(): void {
    this.running = true;
    this.longest = 0;
    this.loop = (async () => {
      while (this.running) {
        const t = performance.now();
        await this.client.call('listRuns', {});
        this.longest = Math.max(this.longest, performance.now() - t);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();
  }

  async stop(): Promise<number> {
    this.running = false;
    await this.loop;
    return this.longest;
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const round = (x: number) => Math.round(x * 10) / 10;

async function phase(host: Host, pinger: Pinger, repeats: number, work: () => Promise<string | void>): Promise<PhaseResult> {
  const times: number[] = [];
  let note: string | undefined;
  await host.command('reset');
  pinger.start();
  for (let r = 0; r < repeats; r++) {
    const t = performance.now();
    note = (await work()) ?? note;
    times.push(performance.now() - t);
  }
  const wait = await pinger.stop();
  const { max_stall_ms, p99_stall_ms, cpu_ms } = await host.command<{ max_stall_ms: number; p99_stall_ms: number; cpu_ms: number }>(
    'report',
  );
  return {
    ms: round(median(times)),
    host_cpu_ms: Math.round(cpu_ms / repeats),
    max_client_wait_ms: round(wait),
    max_stall_ms,
    p99_stall_ms,
    repeats,
    ...(note ? { note } : {}),
  };
}

async function measureSize(rows: number, log: (line: string) => void): Promise<StoreSizeResult> {
  const home = await mkdtemp(join(tmpdir(), 'runlab-bench-store-'));
  let host: Host | null = null;
  try {
    const id = await writeRun(home, rows);
    const file = join(home, 'runs', id, 'metrics.jsonl');
    const fileMb = round((await stat(file)).size / 1e6);
    log(`store: ${rows.toLocaleString('en-US')} rows (${fileMb} MB) written`);
    host = await Host.start(home);
    const a = await Client.connect(host.url);
    const pinger = new Pinger(await Client.connect(host.url));
    const ok = (reply: { ok: boolean; error?: { message: string } }) => {
      if (!reply.ok) throw new Error(reply.error?.message ?? 'request failed');
      return reply;
    };
    // What Compare does for a big run: a one-bucket view for its size, then the chart's view.
    const open = async () => {
      ok(await a.call('getMetricsView', { ids: [id], buckets: 1 }));
      ok(await a.call('getMetricsView', { ids: [id], buckets: BUCKETS }));
    };
    const openCold = await phase(host, pinger, 1, open);
    const openWarm = await phase(host, pinger, 3, open);
    const zoom = await phase(host, pinger, 3, async () => {
      ok(await a.call('getMetricsView', { ids: [id], x: 'iter', from: rows * 0.4, to: rows * 0.45, buckets: BUCKETS }));
    });
    const page = await phase(host, pinger, 3, async () => {
      ok(await a.call('getMetricsPage', { id, offset: Math.floor(rows / 2), limit: 10_000 }));
    });
    const store = new RunStore(home);
    let last = rows;
    const appendThenView = await phase(host, pinger, 1, async () => {
      const more = Array.from({ length: 10_000 }, (_, k) => ({
        kind: 'iter' as const,
        iter: last + k + 1,
        epoch: (last + k + 1) / 1000,
        loss: 0.2,
        lr: 0.1,
        t: (last + k) * 2,
      }));
      last += more.length;
      await store.appendMetrics(id, more);
      ok(await a.call('getMetricsView', { ids: [id], buckets: BUCKETS }));
    });
    const getMetrics = await phase(host, pinger, 1, async () => {
      const reply = await a.call('getMetrics', { ids: [id] });
      return reply.ok ? 'sent' : `refused: ${reply.error?.message.split(':')[0]}`;
    });
    const { rss_mb } = await host.command<{ rss_mb: number }>('report');
    a.ws.close();
    // A new host process: the index saved beside metrics.jsonl (after the first read) is loaded, not rebuilt.
    await host.stop();
    host = await Host.start(home);
    const b = await Client.connect(host.url);
    const pinger2 = new Pinger(await Client.connect(host.url));
    const openRestarted = await phase(host, pinger2, 1, async () => {
      ok(await b.call('getMetricsView', { ids: [id], buckets: 1 }));
      ok(await b.call('getMetricsView', { ids: [id], buckets: BUCKETS }));
    });
    b.ws.close();
    return {
      rows,
      file_mb: fileMb,
      phases: {
        open_cold: openCold,
        open_warm: openWarm,
        open_restarted: openRestarted,
        zoom,
        page,
        append_then_view: appendThenView,
        get_metrics: getMetrics,
      },
      host_rss_mb: rss_mb,
    };
  } finally {
    await host?.stop().catch(() => undefined);
    await rm(home, { recursive: true, force: true });
  }
}

export async function benchStore(sizes: readonly number[], log: (line: string) => void): Promise<StoreBenchResult> {
  const out: StoreSizeResult[] = [];
  for (const rows of sizes) out.push(await measureSize(rows, log));
  return {
    sizes: out,
    load_average: loadavg()
      .map((l) => l.toFixed(2))
      .join(' '),
    buckets: BUCKETS,
  };
}

// Run directly: `npm run bench:store`, or as npm run bench's `store` section (one JSON argument).
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const arg = process.argv[2];
  const fromOrchestrator = arg?.startsWith('{') === true;
  const flags = process.argv.slice(2);
  const sizesFlag = flags.indexOf('--sizes');
  const sizes = fromOrchestrator
    ? ((JSON.parse(arg!) as { sizes?: number[] }).sizes ?? [1_000_000, 5_000_000])
    : sizesFlag >= 0
      ? flags[sizesFlag + 1]!.split(',').map(Number)
      : [1_000_000, 5_000_000];
  const log = (line: string) => process.stderr.write(`${line}\n`);
  benchStore(sizes, log).then(
    (result) => {
      if (fromOrchestrator) process.stdout.write(`\n${JSON.stringify(result)}\n`);
      else {
        process.stdout.write(`${formatStoreBench(result).join('\n')}\n`);
        if (flags.includes('--json')) process.stdout.write(`${JSON.stringify(result)}\n`);
      }
      process.exit(0);
    },
    (error: unknown) => {
      process.stderr.write(`measurement failed: ${(error as Error).message}\n`);
      process.exit(1);
    },
  );
}
