/**
 * RunSupervisor: queues runs, trains each in its own trainer process, stores what the
 * trainer reports and pushes it to subscribers. A trainer that crashes, hangs on cancel or
 * talks nonsense fails its own run; the supervisor and the other runs carry on.
 */
import { cp, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { LabError, type LabEventName, type LabEvents } from '../../shared/api';
import { boundText } from '../../shared/excerpt';
import type { CheckpointInfo } from '../../shared/checkpoint';
import { validateHyperparams, type FieldKey, type Hyperparams } from '../../shared/hyperparams';
import { sweepRunName, type SweepValue } from '../../shared/sweep';
import {
  FINISHED_STATUSES,
  MAX_RUN_EVENTS,
  type EpochRow,
  type LrFindResult,
  type EventSource,
  type LatestCheckpoint,
  type MetricRow,
  type Progress,
  type RunEdit,
  type RunEvent,
  type RunKind,
  type RunPatch,
  type RunRecord,
  type RunSummary,
} from '../../shared/records';
import { CONTROL_DIR, ControlInbox, type ControlRequest } from './control/control-inbox';
import { planFork } from './control/fork-plan';
import { listCheckpoints } from './control/list-checkpoints';
import { planResume } from './control/resume-plan';
import { processStartTime } from './store/pid-alive';
import { readTimeline, writeTimeline } from './store/timeline-file';
import type { Timeline } from '../../shared/timeline';
import { newGroupId } from './store/run-id';
import { uniqueName } from './store/run-name';
import { isDiskFullError, NO_OWNER, type RunStore } from './store/store';
import type { TrainerHandle, TrainerLauncher } from './trainer/trainer-launcher';
import { trainerOutcome, type CancelState } from './trainer/trainer-outcome';
import { dataPathProblem } from '../training/data/check-data-path';
import { recoverModelFolders } from '../training/models/model-folder';
import { parseChildMessage, type ChildMessage } from './trainer/trainer-protocol';

/** The store writes that end a run may use the space reserve on a full disk. */
const ENDING = { ending: true } as const;

export interface SupervisorOptions {
  /** How many trainers run at once; the rest wait in the queue. */
  concurrency?: number;
  /** How long a cancelled trainer may take to stop before it is killed. */
  cancelGraceMs?: number;
  /** Parent-side coalescing of metric rows before one store append + one push. */
  flushMs?: number;
  flushRows?: number;
  /** Minimum interval between progress pushes ('run:updated') for one run. */
  progressMs?: number;
  /** Where trainers cache decoded datasets; default `cache/` in the store's data folder. */
  cacheDir?: string;
}

export interface RunMeta {
  name?: string;
  tags?: string[];
  notes?: string;
  /** 'lr-find': an LR finder's search on this config instead of a training run. */
  kind?: RunKind;
}

/** A sweep's runs (each a config, and its own name or the values that name it) and what they all share. */
export interface SweepRequest {
  runs: readonly { config: unknown; name?: string; swept?: Partial<Record<FieldKey, SweepValue>> }[];
  /** The head of each unnamed run's name (default "sweep"). */
  name?: string;
  tags?: string[];
  notes?: string;
}

export type LabListener = <E extends LabEventName>(event: E, payload: LabEvents[E]) => void;

/** How a queued run starts when it does not start from scratch: the config the trainer gets and the checkpoint. */
interface StartFrom {
  config: Hyperparams;
  from: { dir: string; mode: 'resume' | 'fork'; restartEarlyStopping: boolean };
}

/** A live edit sent to a trainer, waiting for it to apply. */
interface PendingEdit {
  by: EventSource;
  resolve: (record: RunRecord) => void;
  reject: (error: LabError) => void;
}

export interface ForkRequest {
  /** The parent's epoch checkpoint to start from. */
  epoch: number;
  /** Changes to the parent's config (the rest is the parent's). */
  config: Record<string, unknown>;
  name?: string;
  tags?: string[];
  notes?: string;
}

/** One trainer process and what it has told us so far. */
interface ActiveRun {
  id: string;
  handle: TrainerHandle;
  record: RunRecord;
  progress: Progress | null;
  started: boolean;
  pending: MetricRow[];
  /** Whether any rows were flushed yet (the first go out at once). */
  flushed: boolean;
  flushTimer: NodeJS.Timeout | null;
  progressTimer: NodeJS.Timeout | null;
  lastProgressPush: number;
  stopTimer: NodeJS.Timeout | null;
  /** Store writes for this run, chained so rows land (and are pushed) in order. */
  writes: Promise<void>;
  done: { status: 'completed' | 'cancelled' | 'failed'; error: string | null; summary: RunSummary } | null;
  /** An lr-find run's curve, from its `done`. */
  lrFind: LrFindResult | null;
  cancel: CancelState;
  trainerError: string | null;
  protocolError: string | null;
  storeError: string | null;
  /**
   * Rows a full disk refused (and any that came after): tried once more when the trainer has
   * exited, since its half-written checkpoint, the usual reason the disk filled, is gone then.
   */
  unstored: MetricRow[];
  /** The trainer's last usage report, to turn CPU time into CPU use. */
  usage: { cpuMs: number; at: number } | null;
  /** Run control: paused (the trainer said so), who asked for the pause or resume in flight, live edits waiting. */
  paused: boolean;
  pauseBy: EventSource | null;
  resumeBy: EventSource | null;
  edits: Map<number, PendingEdit>;
  /** The newest callback timeline the trainer sent. */
  timeline: Timeline | null;
}

interface Settled {
  promise: Promise<RunRecord>;
  resolve: (record: RunRecord) => void;
}

export class RunSupervisor {
  /** How many trainers run at once; setConcurrency changes it (a lower value lets running runs finish). */
  concurrency: number;
  private readonly cancelGraceMs: number;
  private readonly flushMs: number;
  private readonly flushRows: number;
  private readonly progressMs: number;
  private readonly cacheDir: string;
  private readonly queue: RunRecord[] = [];
  private readonly active = new Map<string, ActiveRun>();
  private readonly settled = new Map<string, Settled>();
  private readonly listeners = new Set<LabListener>();
  /** Final records the store could not write (a full disk), until it can. */
  private readonly unsaved = new Map<string, RunRecord>();
  /** Queued runs that continue from a checkpoint (resumed runs, forks). */
  private readonly starts = new Map<string, StartFrom>();
  /** Ended runs being resumed right now (a second resume is refused). */
  private readonly resuming = new Set<string>();
  private editSeq = 0;
  /** Requests from `runlab` commands in other processes, for the runs this one trains. */
  private readonly inbox = new ControlInbox((id, request) => this.fromCli(id, request));
  private closed = false;

  constructor(
    private readonly store: RunStore,
    private readonly launcher: TrainerLauncher,
    options: SupervisorOptions = {},
  ) {
    this.concurrency = Math.max(1, Math.floor(options.concurrency ?? 1));
    this.cancelGraceMs = options.cancelGraceMs ?? 3000;
    this.flushMs = options.flushMs ?? 100;
    this.flushRows = Math.max(1, options.flushRows ?? 1000);
    this.progressMs = options.progressMs ?? 250;
    this.cacheDir = options.cacheDir ?? join(store.dataDir, 'cache');
  }

  subscribe(listener: LabListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Validates the config (nothing is created when it is wrong), stores the run queued and queues it. */
  async start(config: unknown, meta: RunMeta = {}): Promise<RunRecord> {
    if (this.closed) throw new LabError({ code: 'unavailable', message: 'Runlab is shutting down; no new runs start' });
    const valid = validateHyperparams(config);
    if (!valid.ok) {
      throw new LabError({
        code: 'invalid',
        field: valid.errors[0]?.field,
        errors: valid.errors,
        message: valid.errors.map((e) => `${e.field}: ${e.message}`).join('; '),
      });
    }
    const dataProblem = await dataPathProblem(valid.value);
    if (dataProblem !== null) {
      throw new LabError({
        code: 'invalid',
        field: 'dataPath',
        errors: [{ field: 'dataPath', message: dataProblem }],
        message: `dataPath: ${dataProblem}`,
      });
    }
    const record = await this.store.create({ ...meta, config: valid.value, status: 'queued', ownerPid: process.pid });
    return this.enqueue(record);
  }

  /**
   * A sweep: every config is checked first (a wrong one names its run and field, and no run
   * is made), then the runs are stored and queued in order under one new group id.
   */
  async startSweep(request: SweepRequest): Promise<{ group: string; runs: RunRecord[] }> {
    const { runs, tags, notes } = request;
    if (this.closed) throw new LabError({ code: 'unavailable', message: 'Runlab is shutting down; no new runs start' });
    const configs: Hyperparams[] = [];
    for (const [i, run] of runs.entries()) {
      const valid = validateHyperparams(run.config);
      const errors = valid.ok ? [] : valid.errors;
      const dataProblem = valid.ok ? await dataPathProblem(valid.value) : null;
      if (dataProblem !== null) errors.push({ field: 'dataPath', message: dataProblem });
      if (!valid.ok || errors.length > 0) {
        const named = errors.map((e) => ({ field: `runs.${i}.${e.field}`, message: e.message }));
        throw new LabError({
          code: 'invalid',
          field: named[0]?.field,
          errors: named,
          message: `Run ${i + 1} of the sweep: ${errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`,
        });
      }
      configs.push(valid.value);
    }
    const group = newGroupId();
    // Named here, for the form and `runlab sweep` alike: "sweep lr=0.1 seed=1", " #2" where taken.
    const created = await this.store.withNames(async (taken) => {
      const made: RunRecord[] = [];
      for (const [i, config] of configs.entries()) {
        const run = runs[i]!;
        const name = run.name ?? uniqueName(sweepRunName(request.name, run.swept ?? {}), taken);
        taken.add(name);
        made.push(await this.store.create({ config, name, tags, notes, group, status: 'queued', ownerPid: process.pid }));
      }
      return made;
    });
    const records: RunRecord[] = [];
    for (const record of created) records.push(await this.enqueue(record));
    return { group, runs: records };
  }

  /**
   * Pauses a running run at the end of its current batch: its trainer writes a checkpoint
   * and waits, holding no CPU, until `resume`. Idempotent.
   */
  async pause(id: string, by: EventSource = 'ui'): Promise<RunRecord> {
    const run = this.controllable(id, 'paused');
    if (run.paused || run.pauseBy !== null) return this.view(run);
    run.pauseBy = by;
    run.handle.send({ type: 'pause' });
    return this.view(run);
  }

  /**
   * A paused run goes on; a run that has ended (cancelled, interrupted, failed, or stopped
   * early) trains on from its newest checkpoint, in the same run, to its planned epochs or
   * `epochs`: the rows after that checkpoint are dropped and trained again.
   */
  async resume(id: string, options: { epochs?: number; by?: EventSource } = {}): Promise<RunRecord> {
    const by = options.by ?? 'ui';
    const run = this.active.get(id);
    if (run) {
      if (!run.paused && run.pauseBy === null)
        throw conflict(`Run ${id} is running and not paused; only a paused or ended run can be resumed`);
      if (options.epochs !== undefined) throw conflict(`Run ${id} is paused; --epochs applies when resuming a run that has ended`);
      // A pause asked for but not reached yet is simply called off.
      if (!run.paused) run.pauseBy = null;
      else run.resumeBy = by;
      run.handle.send({ type: 'resume' });
      return this.view(run);
    }
    if (this.queue.some((r) => r.id === id)) throw conflict(`Run ${id} is queued; it has not started yet`);
    return this.resumeEnded(id, options.epochs, by);
  }

  /**
   * A live edit of a running run (lr, momentum, weight decay, schedule), applied at its next
   * batch boundary; resolves with the record once the trainer has applied it, the edit
   * recorded as an event (what, from which iteration, by whom).
   */
  async edit(id: string, changes: RunEdit, by: EventSource = 'ui'): Promise<RunRecord> {
    const run = this.controllable(id, 'edited');
    const optimizer = run.record.config.optimizer;
    if (changes.momentum !== undefined && optimizer === 'sgd') {
      throw new LabError({ code: 'invalid', field: 'momentum', message: 'momentum: the sgd optimizer has none (momentum and adam do)' });
    }
    if ((run.record.events?.length ?? 0) >= MAX_RUN_EVENTS) {
      throw new LabError({ code: 'invalid', message: `Run ${id} has ${MAX_RUN_EVENTS} events already, the most a run keeps` });
    }
    const editId = ++this.editSeq;
    return new Promise<RunRecord>((resolve, reject) => {
      run.edits.set(editId, { by, resolve, reject });
      run.handle.send({ type: 'edit', id: editId, changes });
    });
  }

  /**
   * A new run from `parentId`'s checkpoint after `request.epoch` epochs, with the parent's
   * config changed as asked: it starts with the parent's epoch row there and trains on.
   */
  async fork(parentId: string, request: ForkRequest): Promise<RunRecord> {
    if (this.closed) throw new LabError({ code: 'unavailable', message: 'Runlab is shutting down; no new runs start' });
    const parent = this.live(parentId) ?? (await this.store.get(parentId));
    const plan = planFork(parent, await listCheckpoints(this.store.checkpointsDir(parentId)), request);
    const dataProblem = await dataPathProblem(plan.config);
    if (dataProblem !== null) {
      throw new LabError({
        code: 'invalid',
        field: 'dataPath',
        errors: [{ field: 'dataPath', message: dataProblem }],
        message: `dataPath: ${dataProblem}`,
      });
    }
    const record = await this.store.create({
      config: plan.config,
      name: plan.name,
      tags: request.tags,
      notes: request.notes,
      status: 'queued',
      ownerPid: process.pid,
      parent: plan.parent,
    });
    const dir = this.store.checkpointsDir(record.id);
    const copy = join(dir, plan.checkpoint.name);
    try {
      // Its own copy of the fork point: the fork stands alone even if its parent is deleted.
      const tmp = join(dir, `.tmp-${plan.checkpoint.name}-fork`);
      await cp(join(this.store.checkpointsDir(parentId), plan.checkpoint.name), tmp, { recursive: true });
      await rename(tmp, copy);
      const row = (await this.store.readMetrics(parentId)).find((r) => r.kind === 'epoch' && r.epoch === request.epoch);
      if (row) await this.store.appendMetrics(record.id, [row]);
    } catch (error) {
      await rm(copy, { recursive: true, force: true }).catch(() => undefined);
      const failed = await this.store.update(record.id, (r) => ({
        ...r,
        status: 'failed',
        ended: now(),
        error: `could not copy the fork point: ${messageOf(error)}`,
        ...NO_OWNER,
      }));
      this.emit('run:updated', failed);
      return failed;
    }
    const withPoint: RunRecord = { ...record, checkpoint: toLatest(plan.checkpoint) };
    return this.enqueue(withPoint, { config: plan.config, from: { dir: copy, mode: 'fork', restartEarlyStopping: false } });
  }

  /** The callback timeline: live from the trainer of a running run, else as the run last ended. */
  async timeline(id: string): Promise<Timeline | null> {
    const run = this.active.get(id);
    if (run) return run.timeline;
    await this.store.get(id);
    return readTimeline(this.store.runDir(id));
  }

  /** The run's resumable checkpoints, earliest first. */
  async checkpoints(id: string): Promise<CheckpointInfo[]> {
    await this.store.get(id);
    return listCheckpoints(this.store.checkpointsDir(id));
  }

  /**
   * Takes a run that is waiting in the queue out of it, as if it had never been queued:
   * no 'cancelled' run is left behind (the service then deletes it). False when the run is
   * not waiting (it has started, or is not ours).
   */
  async dequeue(id: string): Promise<boolean> {
    const index = this.queue.findIndex((r) => r.id === id);
    if (index < 0) return false;
    this.queue.splice(index, 1);
    this.starts.delete(id);
    // The store refuses to delete a queued run (another process might own it): mark it ours to drop.
    const record = await this.store.update(id, (r) => ({ ...r, status: 'cancelled', ended: now(), ...NO_OWNER }));
    this.settle(id, record);
    return true;
  }

  /** Queued: removed and marked cancelled. Running: asked to stop, killed after the grace period. */
  async cancel(id: string): Promise<RunRecord> {
    const index = this.queue.findIndex((r) => r.id === id);
    if (index >= 0) {
      this.queue.splice(index, 1);
      this.starts.delete(id);
      const record = await this.store.update(id, (r) => ({ ...r, status: 'cancelled', ended: now(), ...NO_OWNER }), ENDING);
      this.emit('run:updated', record);
      this.settle(id, record);
      return record;
    }
    const run = this.active.get(id);
    if (run) {
      this.requestCancel(run);
      return this.view(run);
    }
    return this.unsaved.get(id) ?? this.store.get(id);
  }

  /** Changes how many runs train at once and starts waiting runs if slots opened. */
  setConcurrency(concurrency: number): void {
    this.concurrency = Math.max(1, Math.floor(concurrency));
    this.pump();
  }

  /** Rename, tag, note: persisted, and reflected in the live record of an active run. */
  async patch(id: string, patch: RunPatch): Promise<RunRecord> {
    const stored = await this.store.patch(id, patch);
    // Only the edited fields: the live status may be ahead of what run.json holds yet.
    const edited = { name: stored.name, tags: stored.tags, notes: stored.notes };
    const queued = this.queue.findIndex((r) => r.id === id);
    if (queued >= 0) this.queue[queued] = { ...this.queue[queued]!, ...edited };
    const run = this.active.get(id);
    if (run) run.record = { ...run.record, ...edited };
    const record = run ? this.view(run) : queued >= 0 ? this.queue[queued]! : stored;
    this.emit('run:updated', record);
    return record;
  }

  /**
   * The live record (with in-memory progress) of a queued or running run, or the final record
   * of one whose end could not be saved yet (a full disk); undefined otherwise.
   */
  live(id: string): RunRecord | undefined {
    const run = this.active.get(id);
    if (run) return this.view(run);
    return this.queue.find((r) => r.id === id) ?? this.unsaved.get(id);
  }

  /** Tries again to store the ends of runs a full disk kept from being saved (after space was freed). */
  async retryUnsaved(): Promise<void> {
    for (const [id, final] of [...this.unsaved]) {
      try {
        const { status, ended, summary, error, progress } = final;
        await this.store.update(id, (r) => ({ ...r, status, ended, summary, error, progress, ...NO_OWNER }), ENDING);
        this.unsaved.delete(id);
      } catch (error) {
        if (error instanceof LabError && error.code === 'not_found') this.unsaved.delete(id);
        // Still no space: the next freed space tries again.
      }
    }
  }

  /** Forgets a run whose end was never saved (it was deleted). */
  forgetUnsaved(id: string): void {
    this.unsaved.delete(id);
  }

  /** The pid of the trainer process of a running run (for diagnostics). */
  trainerPid(id: string): number | undefined {
    return this.active.get(id)?.handle.pid;
  }

  isActive(id: string): boolean {
    return this.active.has(id) || this.queue.some((r) => r.id === id);
  }

  /** Resolves with the final record once the run has finished (at once if it already has). */
  async whenSettled(id: string): Promise<RunRecord> {
    const pending = this.settled.get(id);
    return pending ? pending.promise : (this.unsaved.get(id) ?? this.store.get(id));
  }

  /** Tells subscribers a run is gone (the service deletes it from the store). */
  notifyDeleted(id: string): void {
    this.emit('run:deleted', { id });
  }

  /** Cancels queued runs, stops running trainers and resolves when every one has exited. */
  async close(): Promise<void> {
    this.closed = true;
    this.launcher.close?.();
    const waits = [...this.settled.values()].map((s) => s.promise);
    for (const record of [...this.queue]) await this.cancel(record.id).catch(() => undefined);
    for (const run of this.active.values()) this.requestCancel(run);
    await Promise.all(waits);
    this.inbox.close();
  }

  /** Puts a stored queued run in the queue (a new run, a resumed run, a fork). */
  private async enqueue(record: RunRecord, start?: StartFrom): Promise<RunRecord> {
    if (this.closed) {
      // close() came while the run was being created: it will never be picked up.
      return this.store.update(record.id, (r) => ({ ...r, status: 'cancelled', ended: now(), ...NO_OWNER }));
    }
    this.settled.set(record.id, deferred());
    if (start) this.starts.set(record.id, start);
    this.queue.push(record);
    this.emit('run:updated', record);
    this.pump();
    // Launched at once, it is already 'starting': say so, rather than look like it waits.
    return this.live(record.id) ?? record;
  }

  /** The active, started, not stopping run `id`, or a conflict saying why it cannot be `what`. */
  private controllable(id: string, what: string): ActiveRun {
    const run = this.active.get(id);
    // The LR finder's loop has no live control: it sweeps the lr on its own.
    if (run?.record.kind === 'lr-find') throw conflict(`Run ${id} is an LR finder; it cannot be ${what}`);
    if (run?.started && run.cancel === null) return run;
    if (run || this.queue.some((r) => r.id === id))
      throw conflict(`Run ${id} has not started training yet (or is stopping); it cannot be ${what} now`);
    throw conflict(`Run ${id} is not running; only a running run can be ${what}`);
  }

  private async resumeEnded(id: string, epochs: number | undefined, by: EventSource): Promise<RunRecord> {
    if (this.closed) throw new LabError({ code: 'unavailable', message: 'Runlab is shutting down; no runs resume' });
    if (this.resuming.has(id)) throw conflict(`Run ${id} is being resumed already`);
    this.resuming.add(id);
    try {
      const stored = await this.store.get(id);
      const plan = planResume(stored, await listCheckpoints(this.store.checkpointsDir(id)), { epochs, by });
      // Claimed under the store's lock: another process resuming it at the same time is refused.
      await this.store.update(id, (r) => {
        if (!FINISHED_STATUSES.includes(r.status)) throw conflict(`Run ${id} is ${r.status} now; it was resumed elsewhere`);
        return {
          ...r,
          status: 'queued',
          ended: null,
          error: null,
          summary: null,
          paused: false,
          events: plan.events,
          checkpoint: toLatest(plan.checkpoint),
          owner_pid: process.pid,
          owner_started: processStartTime(process.pid),
        };
      });
      const kept = await this.store.rewindMetrics(id, plan.keep);
      let progress: Progress = { iter: plan.keep.iter, total_iters: 0, epoch: plan.checkpoint.n_epochs, epochs: plan.epochs };
      for (const row of kept.epochs) progress = withEpoch(progress, row);
      const record = await this.store.update(id, (r) => ({ ...r, progress }));
      return await this.enqueue(record, {
        config: plan.config,
        from: {
          dir: join(this.store.checkpointsDir(id), plan.checkpoint.name),
          mode: 'resume',
          restartEarlyStopping: plan.restartEarlyStopping,
        },
      });
    } finally {
      this.resuming.delete(id);
    }
  }

  private pump(): void {
    while (!this.closed && this.active.size < this.concurrency && this.queue.length > 0) {
      this.launch(this.queue.shift()!);
    }
  }

  private launch(record: RunRecord): void {
    let handle: TrainerHandle;
    try {
      handle = this.launcher.launch();
    } catch (error) {
      void this.finishUnlaunched(record, `could not start a trainer process: ${messageOf(error)}`);
      return;
    }
    const run: ActiveRun = {
      id: record.id,
      handle,
      record,
      progress: null,
      started: false,
      pending: [],
      flushed: false,
      flushTimer: null,
      progressTimer: null,
      lastProgressPush: 0,
      stopTimer: null,
      writes: Promise.resolve(),
      done: null,
      lrFind: null,
      cancel: null,
      trainerError: null,
      protocolError: null,
      storeError: null,
      unstored: [],
      usage: null,
      paused: false,
      pauseBy: null,
      resumeBy: null,
      edits: new Map(),
      timeline: null,
    };
    const start = this.starts.get(record.id);
    this.starts.delete(record.id);
    this.active.set(record.id, run);
    // The trainer process boots (seconds on a cold machine) before it says 'started'.
    this.emit('run:updated', this.view(run));
    void this.inbox.watch(record.id, this.controlDir(record.id));
    handle.onMessage((raw) => this.onMessage(run, raw));
    handle.onExit((code, signal) => void this.onExit(run, code, signal));
    handle.send({
      type: 'start',
      runId: record.id,
      config: start?.config ?? record.config,
      // An LR finder's model is thrown away: nothing to keep.
      modelDir: record.kind === 'lr-find' ? null : this.store.modelDir(record.id),
      cacheDir: this.cacheDir,
      from: start?.from ?? null,
      ...(record.kind ? { kind: record.kind } : {}),
    });
  }

  private onMessage(run: ActiveRun, raw: unknown): void {
    if (run.protocolError) return;
    const parsed = parseChildMessage(raw);
    if (!parsed.ok) return this.protocolFailure(run, parsed.error);
    const message = parsed.message;
    switch (message.type) {
      case 'started':
        return this.onStarted(run, message);
      case 'loading':
        return this.onLoading(run, message.done, message.total);
      case 'rows':
        return this.onRows(run, message.rows);
      case 'done':
        run.done = { status: message.status, error: message.error, summary: message.summary };
        if (message.lrFind) run.lrFind = message.lrFind;
        this.flush(run);
        // A trainer that reported done but lingers is not worth waiting for.
        this.armStopTimer(run, null);
        return;
      case 'error':
        run.trainerError ??= message.message;
        return;
      case 'usage':
        return this.onUsage(run, message);
      case 'result':
        return this.protocolFailure(run, 'the trainer answered a task it was never given');
      case 'paused':
        run.paused = true;
        // The rows before the pause are stored before the pause is: whoever sees it paused sees them all.
        this.flush(run);
        if (message.checkpoint) run.record = { ...run.record, checkpoint: message.checkpoint };
        return this.addEvent(run, {
          kind: 'pause',
          iter: message.iter,
          epoch: message.epoch,
          t: message.t,
          at: now(),
          by: takeBy(run, 'pauseBy'),
        });
      case 'resumed':
        run.paused = false;
        return this.addEvent(run, {
          kind: 'continue',
          iter: message.iter,
          epoch: message.epoch,
          t: message.t,
          at: now(),
          by: takeBy(run, 'resumeBy'),
        });
      case 'edited': {
        const pending = run.edits.get(message.id);
        run.edits.delete(message.id);
        const { iter, epoch, t, changes } = message;
        return this.addEvent(run, { kind: 'edit', iter, epoch, t, at: now(), by: pending?.by ?? 'ui', changes }, pending);
      }
      case 'edit-refused': {
        const pending = run.edits.get(message.id);
        run.edits.delete(message.id);
        pending?.reject(new LabError({ code: 'invalid', message: message.error }));
        return;
      }
      case 'checkpoint':
        run.record = { ...run.record, checkpoint: message.checkpoint };
        return this.persistControl(run);
      case 'timeline':
        run.timeline = message.timeline;
        return this.emit('run:timeline', { id: run.id, timeline: message.timeline });
      case 'prepared':
        // A spare's answer to the pool's `prepare` (warm-trainers.ts), when it lands after the hand-over.
        return;
    }
  }

  /** CPU use over the last report interval (1 = one core busy) and memory, into the live progress. */
  private onUsage(run: ActiveRun, message: Extract<ChildMessage, { type: 'usage' }>): void {
    const at = Date.now();
    const previous = run.usage;
    run.usage = { cpuMs: message.cpuMs, at };
    if (!run.progress || !previous || at <= previous.at) return;
    const cpu = Math.max(0, (message.cpuMs - previous.cpuMs) / (at - previous.at));
    run.progress = { ...run.progress, cpu: Math.round(cpu * 100) / 100, rss_bytes: message.rssBytes };
    this.scheduleProgressPush(run);
  }

  /** Records a run event, stores it with the run and pushes the record (then resolves `pending`). */
  private addEvent(run: ActiveRun, event: RunEvent, pending?: PendingEdit): void {
    const events = run.record.events ?? [];
    run.record = { ...run.record, events: events.length < MAX_RUN_EVENTS ? [...events, event] : events, paused: run.paused };
    this.persistControl(run, pending);
  }

  /** Stores what run control keeps in the record (events, paused, the newest checkpoint). */
  private persistControl(run: ActiveRun, pending?: PendingEdit): void {
    const { events, paused, checkpoint } = run.record;
    this.write(run, async () => {
      run.record = await this.store.update(run.id, (r) => ({ ...r, events, paused, checkpoint }));
      this.emit('run:updated', this.view(run));
      pending?.resolve(this.view(run));
    });
  }

  private onStarted(run: ActiveRun, message: Extract<ChildMessage, { type: 'started' }>): void {
    if (run.started) return this.protocolFailure(run, 'the trainer sent "started" twice');
    if (run.cancel === 'before-start') return;
    run.started = true;
    const started = now();
    const fields = {
      status: 'running' as const,
      backend: message.backend,
      device: message.device,
      started,
      ...(message.data ? { data: message.data } : {}),
    };
    // A resumed run starts where its checkpoint was, with what its kept epochs reached.
    const { latest, best_valid_accuracy } = run.record.progress ?? {};
    run.progress = {
      iter: message.from?.iter ?? 0,
      total_iters: message.totalIters,
      epoch: message.from?.epoch ?? 0,
      epochs: message.epochs,
      ...(message.from && latest ? { latest, best_valid_accuracy } : {}),
    };
    if (message.trainSize !== undefined) run.progress.train_size = message.trainSize;
    if (message.validSize !== undefined) run.progress.valid_size = message.validSize;
    run.record = { ...run.record, ...fields };
    this.write(run, async () => {
      const progress = run.progress;
      run.record = await this.store.update(run.id, (r) => ({ ...r, ...fields, progress }));
      this.emit('run:updated', this.view(run));
    });
  }

  /** Decoding progress before training starts: kept in the live record's progress only (no store write). */
  private onLoading(run: ActiveRun, done: number, total: number): void {
    if (run.started) return this.protocolFailure(run, 'the trainer sent "loading" after "started"');
    const epochs = run.record.config.epochs;
    run.progress = { ...(run.progress ?? { iter: 0, total_iters: 0, epoch: 0, epochs }), loading: { done, total } };
    this.scheduleProgressPush(run);
  }

  private onRows(run: ActiveRun, rows: MetricRow[]): void {
    const last = rows.at(-1);
    if (!last) return;
    run.pending = run.pending.length === 0 ? rows : run.pending.concat(rows);
    if (run.progress) {
      // Rows arrive in order: the last one says how far training got, epoch rows what it reached.
      let progress: Progress = { ...run.progress, iter: last.iter, epoch: last.epoch };
      for (const row of rows) if (row.kind === 'epoch') progress = withEpoch(progress, row);
      run.progress = progress;
      this.scheduleProgressPush(run);
    }
    // The run's first rows go out at once: they are the chart's first point.
    if (run.pending.length >= this.flushRows || !run.flushed) this.flush(run);
    else run.flushTimer ??= setTimeout(() => this.flush(run), this.flushMs);
  }

  /** Append the pending rows, then push exactly those rows: subscribers see what the store holds. */
  private flush(run: ActiveRun): void {
    if (run.flushTimer) clearTimeout(run.flushTimer);
    run.flushTimer = null;
    if (run.pending.length === 0) return;
    const rows = run.pending;
    run.pending = [];
    run.flushed = true;
    const epochEnded = rows.some((r) => r.kind === 'epoch');
    this.write(
      run,
      async () => {
        await this.store.appendMetrics(run.id, rows).catch((error: unknown) => {
          if (isDiskFullError(error)) run.unstored.push(...rows);
          throw error;
        });
        this.emit('run:metrics', { id: run.id, rows });
        if (epochEnded) {
          const progress = run.progress && withoutUsage(run.progress);
          run.record = await this.store.update(run.id, (r) => ({ ...r, progress }));
        }
      },
      rows,
    );
  }

  /**
   * Chains a store write; the first failure stops the trainer and fails the run. `rows` are
   * the metric rows the task appends: after a full disk they are kept to be tried again.
   */
  private write(run: ActiveRun, task: () => Promise<void>, rows?: MetricRow[]): void {
    run.writes = run.writes.then(async () => {
      if (run.storeError) {
        if (rows) run.unstored.push(...rows);
        return;
      }
      try {
        await task();
      } catch (error) {
        if (isDiskFullError(error)) {
          // Nothing more of this run can be stored (its checkpoint neither): stop it now, not after a grace period.
          run.storeError = messageOf(error);
          run.handle.kill('SIGKILL');
          return;
        }
        run.storeError = `could not save the run: ${messageOf(error)}`;
        this.requestCancel(run);
      }
    });
  }

  private scheduleProgressPush(run: ActiveRun): void {
    if (run.progressTimer) return;
    const wait = Math.max(0, run.lastProgressPush + this.progressMs - Date.now());
    run.progressTimer = setTimeout(() => {
      run.progressTimer = null;
      run.lastProgressPush = Date.now();
      if (this.active.get(run.id) === run) this.emit('run:updated', this.view(run));
    }, wait);
  }

  private protocolFailure(run: ActiveRun, error: string): void {
    run.protocolError ??= error;
    run.handle.kill('SIGKILL');
  }

  private requestCancel(run: ActiveRun): void {
    if (run.cancel) return;
    if (!run.started) {
      // Nothing trained yet: no model to keep, nothing to wait for.
      run.cancel = 'before-start';
      run.handle.kill('SIGKILL');
      return;
    }
    run.cancel = 'requested';
    run.handle.send({ type: 'cancel' });
    this.armStopTimer(run, 'killed');
  }

  private armStopTimer(run: ActiveRun, reason: 'killed' | null): void {
    if (run.stopTimer) return;
    run.stopTimer = setTimeout(() => {
      if (reason) run.cancel = reason;
      run.handle.kill('SIGKILL');
    }, this.cancelGraceMs);
  }

  private async onExit(run: ActiveRun, code: number | null, signal: NodeJS.Signals | null): Promise<void> {
    for (const timer of [run.stopTimer, run.progressTimer]) if (timer) clearTimeout(timer);
    run.progressTimer = null;
    this.flush(run);
    await run.writes;
    // A trainer killed mid-checkpoint leaves model/last under another name: put it back (it is gone, so nothing races).
    await recoverModelFolders(this.store.modelDir(run.id)).catch(() => undefined);
    if (run.unstored.length > 0) {
      // Best effort: the rows the full disk refused, now that the killed trainer's scratch is gone.
      const rows = run.unstored;
      run.unstored = [];
      await this.store.appendMetrics(run.id, rows).then(
        () => this.emit('run:metrics', { id: run.id, rows }),
        () => undefined,
      );
    }
    for (const pending of run.edits.values()) pending.reject(conflict(`Run ${run.id} ended before the edit could apply`));
    run.edits.clear();
    // A diagnostic: a run whose timeline cannot be saved still ends as it should.
    if (run.timeline) await writeTimeline(this.store.runDir(run.id), run.timeline).catch(() => undefined);
    const outcome = trainerOutcome({ ...run, code, signal, stderrTail: run.handle.stderrTail(), cancelGraceMs: this.cancelGraceMs });
    const ended = now();
    // CPU and memory describe a live process: a finished run keeps neither.
    const progress = run.progress ? withoutUsage(run.progress) : null;
    let record: RunRecord;
    try {
      record = await this.store.update(
        run.id,
        (r) => ({
          ...r,
          status: outcome.status,
          ended,
          summary: outcome.summary ?? r.summary,
          error: outcome.error,
          progress: progress ?? r.progress,
          ...(run.lrFind ? { lr_find: run.lrFind } : {}),
          ...(r.paused ? { paused: false } : {}),
          ...NO_OWNER,
        }),
        ENDING,
      );
    } catch (error) {
      // The store refused even the final write (the disk is full past the space reserve): this
      // process keeps the outcome, shows it, lets the run be deleted, and writes it once it can.
      record = {
        ...this.view(run),
        status: 'failed',
        ended,
        error: boundText(
          outcome.status === 'failed' && outcome.error
            ? `${outcome.error}; could not save it: ${messageOf(error)}`
            : `${outcome.error ?? `the run ended ${outcome.status}`}, but could not save it: ${messageOf(error)}`,
        ),
        ...NO_OWNER,
      };
      this.unsaved.set(run.id, record);
    }
    this.active.delete(run.id);
    this.inbox.unwatch(run.id);
    await rm(this.controlDir(run.id), { recursive: true, force: true }).catch(() => undefined);
    this.emit('run:updated', record);
    this.settle(run.id, record);
    this.pump();
  }

  private controlDir(id: string): string {
    return join(this.store.runDir(id), CONTROL_DIR);
  }

  /** A request a `runlab` command sent through the control inbox. */
  private fromCli(id: string, request: ControlRequest): Promise<RunRecord> {
    switch (request.op) {
      case 'pause':
        return this.pause(id, 'cli');
      case 'resume':
        return this.resume(id, { by: 'cli' });
      case 'cancel':
        return this.cancel(id);
      case 'edit':
        return this.edit(id, request.changes, 'cli');
    }
  }

  private async finishUnlaunched(record: RunRecord, error: string): Promise<void> {
    const final = await this.store
      .update(record.id, (r) => ({ ...r, status: 'failed', ended: now(), error, ...NO_OWNER }), ENDING)
      .catch(() => ({ ...record, status: 'failed' as const, error }));
    this.emit('run:updated', final);
    this.settle(record.id, final);
    this.pump();
  }

  private view(run: ActiveRun): RunRecord {
    // Not started yet: the trainer boots, or decodes the data (its loading progress shown).
    if (!run.started) return { ...run.record, phase: 'starting', ...(run.progress ? { progress: run.progress } : {}) };
    return run.progress ? { ...run.record, progress: run.progress } : run.record;
  }

  private settle(id: string, record: RunRecord): void {
    this.settled.get(id)?.resolve(record);
    this.settled.delete(id);
  }

  private emit<E extends LabEventName>(event: E, payload: LabEvents[E]): void {
    for (const listener of this.listeners) {
      try {
        listener(event, payload);
      } catch (error) {
        // A subscriber's bug must not stop training or the other subscribers.
        console.error(`runlab: a ${event} listener threw:`, error);
      }
    }
  }
}

function conflict(message: string): LabError {
  return new LabError({ code: 'conflict', message });
}

/** Who asked for the pause or resume the trainer just carried out (the UI when nobody here did). */
function takeBy(run: ActiveRun, key: 'pauseBy' | 'resumeBy'): EventSource {
  const by = run[key] ?? 'ui';
  run[key] = null;
  return by;
}

function toLatest(c: CheckpointInfo): LatestCheckpoint {
  return { name: c.name, epoch: c.position.epoch, batch: c.position.batch, iter: c.n_iter };
}

function deferred(): Settled {
  let resolve!: (record: RunRecord) => void;
  const promise = new Promise<RunRecord>((r) => (resolve = r));
  return { promise, resolve };
}

function now(): string {
  return new Date().toISOString();
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function withoutUsage(progress: Progress): Progress {
  const { cpu: _cpu, rss_bytes: _rss, ...rest } = progress;
  return rest;
}

/** Progress after an epoch row: its metrics as the latest, and the best valid accuracy so far. */
function withEpoch(progress: Progress, row: EpochRow): Progress {
  const { train_loss, train_accuracy, valid_loss, valid_accuracy } = row;
  const best = progress.best_valid_accuracy ?? null;
  return {
    ...progress,
    latest: { train_loss, train_accuracy, valid_loss, valid_accuracy },
    best_valid_accuracy: valid_accuracy !== null && (best === null || valid_accuracy > best) ? valid_accuracy : best,
  };
}
