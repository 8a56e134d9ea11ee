/**
 * runTrainerTask: one inference task in a fresh trainer process (the launcher the lab trains
 * with, so the desktop app uses a utility process): send it, wait for its `result`, and
 * turn an `error`, a crash, garbage or a timeout into a one-line Error. The process is
 * always gone when this settles.
 */
import type { InferenceTask } from '../../training/inference/inference-task-schema';
import type { TrainerLauncher } from './trainer-launcher';
import { parseChildMessage } from './trainer-protocol';

export async function runTrainerTask(launcher: TrainerLauncher, task: InferenceTask, timeoutMs = 120_000): Promise<unknown> {
  const handle = launcher.launch();
  return new Promise<unknown>((resolve, reject) => {
    let settled: { ok: true; value: unknown } | { ok: false; error: Error } | null = null;
    const settle = (outcome: NonNullable<typeof settled>) => {
      settled ??= outcome;
    };
    const timer = setTimeout(() => {
      settle({ ok: false, error: new Error(`the ${task.kind} task took longer than ${Math.round(timeoutMs / 1000)} s and was stopped`) });
      handle.kill('SIGKILL');
    }, timeoutMs);
    handle.onMessage((raw) => {
      const parsed = parseChildMessage(raw);
      if (!parsed.ok) {
        settle({ ok: false, error: new Error(`trainer protocol error: ${parsed.error}`) });
        handle.kill('SIGKILL');
      } else if (parsed.message.type === 'result') {
        settle({ ok: true, value: parsed.message.value });
      } else if (parsed.message.type === 'error') {
        settle({ ok: false, error: new Error(parsed.message.message) });
      }
    });
    handle.onExit((code, signal) => {
      clearTimeout(timer);
      const tail = handle.stderrTail().trim().split('\n').at(-1) ?? '';
      const how = signal ? `was killed by signal ${signal}` : `exited with code ${code ?? 'unknown'}`;
      settle({ ok: false, error: new Error(`the ${task.kind} task's process ${how} before answering${tail ? `: ${tail}` : ''}`) });
      const outcome = settled!;
      if (outcome.ok) resolve(outcome.value);
      else reject(outcome.error);
    });
    handle.send({ type: 'task', task });
  });
}
