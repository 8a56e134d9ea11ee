/** Run records for renderer helper tests: valid by the shared schema, varied where it matters. */
import { DEFAULT_HYPERPARAMS, type Hyperparams } from '../../../src/shared/hyperparams';
import { RunRecordSchema, type RunRecord } from '../../../src/shared/records';

export function makeRun(id: string, over: Partial<Omit<RunRecord, 'config'>> & { config?: Partial<Hyperparams> } = {}): RunRecord {
  const { config, ...rest } = over;
  return RunRecordSchema.parse({
    schema: 1,
    id,
    name: id,
    tags: [],
    notes: '',
    config: { ...DEFAULT_HYPERPARAMS, ...config },
    status: 'completed',
    backend: 'wasm',
    device: 'wasm (SIMD, 1 thread)',
    created: '2024-05-01T10:00:00.000Z',
    started: '2024-05-01T10:00:01.000Z',
    ended: '2024-05-01T10:01:01.000Z',
    progress: null,
    summary: null,
    error: null,
    owner_pid: null,
    ...rest,
  });
}
