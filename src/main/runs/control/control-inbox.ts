/**
 * The control inbox: how a `runlab` command reaches a run another process supervises (a
 * `runlab serve`, the app, another `runlab train`). The command writes a request file into
 * the run's `control/` folder; the owner polls the folders of the runs it trains, carries
 * the request out as if its UI had asked (but recorded as the CLI's), and writes the reply
 * beside it; the command reads the reply and removes both. Files are written atomically,
 * so neither side reads half a message; everything read is validated.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { LabError, type LabErrorInfo } from '../../../shared/api';
import { RunEditSchema, RunRecordSchema, type RunRecord } from '../../../shared/records';
import { writeFileAtomic } from '../../fs/atomic-write';

export const CONTROL_DIR = 'control';

export const ControlRequestSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('pause') }),
  z.object({ op: z.literal('resume') }),
  z.object({ op: z.literal('cancel') }),
  z.object({ op: z.literal('edit'), changes: RunEditSchema }),
]);
export type ControlRequest = z.infer<typeof ControlRequestSchema>;

const ReplySchema = z.union([
  z.object({ ok: z.literal(true), record: RunRecordSchema }),
  z.object({
    ok: z.literal(false),
    error: z.object({
      code: z.enum(['invalid', 'not_found', 'conflict', 'internal', 'unavailable']),
      message: z.string(),
      field: z.string().optional(),
    }),
  }),
]);

const REQUEST = /^req-([A-Za-z0-9-]+)\.json$/;
const replyName = (key: string) => `res-${key}.json`;

/**
 * The command's side: sends `request` to whoever supervises the run and waits for its reply
 * (the record after it), at most `timeoutMs`; then the request is withdrawn and it fails.
 */
export async function sendControl(dir: string, request: ControlRequest, timeoutMs = 15_000, pollMs = 50): Promise<RunRecord> {
  await mkdir(dir, { recursive: true });
  const key = `${Date.now()}-${process.pid}-${randomBytes(4).toString('hex')}`;
  const requestFile = join(dir, `req-${key}.json`);
  const replyFile = join(dir, replyName(key));
  await writeFileAtomic(requestFile, JSON.stringify(request));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = await readFile(replyFile, 'utf8').catch(() => null);
    if (text !== null) {
      await rm(replyFile, { force: true });
      const reply = ReplySchema.safeParse(JSON.parse(text));
      if (!reply.success) throw new LabError({ code: 'internal', message: `${replyFile}: the reply is not one Runlab writes` });
      if (reply.data.ok) return reply.data.record;
      throw new LabError(reply.data.error as LabErrorInfo);
    }
    if (Date.now() > deadline) {
      await rm(requestFile, { force: true });
      throw new LabError({
        code: 'unavailable',
        message: `No answer within ${Math.round(timeoutMs / 1000)} s from the process supervising this run`,
      });
    }
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

export type ControlHandler = (id: string, request: ControlRequest) => Promise<RunRecord>;

/** The owner's side: polls the control folders of the runs it supervises while it has any. */
export class ControlInbox {
  private readonly watched = new Map<string, string>();
  private timer: NodeJS.Timeout | null = null;
  private busy = false;

  constructor(
    private readonly handle: ControlHandler,
    private readonly pollMs = 200,
  ) {}

  /** Starts answering for run `id` (folder `dir`); requests left from before are dropped unanswered. */
  async watch(id: string, dir: string): Promise<void> {
    await rm(dir, { recursive: true, force: true }).catch(() => undefined);
    this.watched.set(id, dir);
    this.timer ??= setInterval(() => void this.poll(), this.pollMs);
    this.timer.unref();
  }

  unwatch(id: string): void {
    this.watched.delete(id);
    if (this.watched.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }

  close(): void {
    for (const id of [...this.watched.keys()]) this.unwatch(id);
  }

  private async poll(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      for (const [id, dir] of this.watched) await this.answer(id, dir);
    } finally {
      this.busy = false;
    }
  }

  private async answer(id: string, dir: string): Promise<void> {
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const name of names.sort()) {
      const key = REQUEST.exec(name)?.[1];
      if (key === undefined) continue;
      const file = join(dir, name);
      const text = await readFile(file, 'utf8').catch(() => null);
      await rm(file, { force: true });
      if (text === null) continue;
      let reply: unknown;
      try {
        const request = ControlRequestSchema.safeParse(JSON.parse(text));
        if (!request.success)
          throw new LabError({ code: 'invalid', message: `${file}: not a control request (${request.error.issues[0]?.message})` });
        reply = { ok: true, record: await this.handle(id, request.data) };
      } catch (error) {
        const info: LabErrorInfo =
          error instanceof LabError
            ? error.toInfo()
            : { code: 'internal', message: error instanceof Error ? error.message : String(error) };
        reply = { ok: false, error: { code: info.code, message: info.message, ...(info.field ? { field: info.field } : {}) } };
      }
      await writeFileAtomic(join(dir, replyName(key)), JSON.stringify(reply)).catch(() => undefined);
    }
  }
}
