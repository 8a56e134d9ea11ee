/**
 * reachRun: a `runlab` command's way to a run that another process is training (a `runlab
 * serve`, the app, another `runlab train`): through that process's control inbox. This
 * process has just opened the store, which marked runs of dead processes interrupted, so a
 * run still queued or running belongs to a live one.
 */
import { join } from 'node:path';
import { LabError } from '../../shared/api';
import type { RunRecord } from '../../shared/records';
import type { LabService } from '../lab';
import { CONTROL_DIR, sendControl, type ControlRequest } from '../runs/control/control-inbox';
import { CliError } from './cli-error';
import { flagForField } from './flags-from-schema';

export async function reachRun(service: LabService, id: string, request: ControlRequest, what: string): Promise<RunRecord> {
  const record = await service.call('getRun', { id });
  if (record.status !== 'running' && record.status !== 'queued') {
    throw new CliError(`run ${id} is ${record.status}, not running: only a running run can be ${what}`);
  }
  try {
    return await sendControl(join(service.store.runDir(id), CONTROL_DIR), request);
  } catch (error) {
    throw cliError(error);
  }
}

/** A refusal naming a field becomes a usage error naming its flag (exit 2). */
export function cliError(error: unknown): unknown {
  if (error instanceof LabError && error.code === 'invalid' && error.field) {
    const flag = error.field === 'epoch' ? '--epoch' : flagForField(error.field);
    if (flag) return new CliError(`${flag}: ${error.message.replace(new RegExp(`^${error.field}: `), '')}`, 2);
  }
  return error;
}
