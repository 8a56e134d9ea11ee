// A supervisor in its own process, for the test that kills it: opens a LabService on the
// data folder given as argv[2], starts one long run on the fake trainer and prints its id.
import { fileURLToPath } from 'node:url';
import { DEFAULT_HYPERPARAMS } from '../../../src/shared/hyperparams';
import { LabService } from '../../../src/main/lab';
import { ChildProcessLauncher } from '../../../src/main/runs/trainer/trainer-launcher';

const dataDir = process.argv[2]!;
const launcher = new ChildProcessLauncher({
  modulePath: fileURLToPath(new URL('./fake-trainer.mjs', import.meta.url)),
  stdout: 'ignore',
  env: { ...process.env, FAKE_TRAINER: JSON.stringify({ iters: 1_000_000, epochs: 1, rowsPerMessage: 5, delayMs: 5 }) },
});
const service = await LabService.open({ dataDir, launcher, flushMs: 20 });
const run = await service.call('startRun', { config: { ...DEFAULT_HYPERPARAMS }, name: 'doomed' });
let told = false;
service.subscribe((event, payload) => {
  if (!told && event === 'run:updated' && (payload as { status: string }).status === 'running') {
    told = true;
    process.stdout.write(`${JSON.stringify({ id: run.id, trainerPid: service.supervisor.trainerPid(run.id) })}\n`);
  }
});
