/**
 * retain: another handle on a tensor's data, as `t.clone()` gives. On wasm a clone is a
 * kernel that allocates and copies (~11 µs for a scalar); on wasm and cpu this takes a
 * reference instead (~0.4 µs) — callbacks keep a scalar or two per batch this way. Other
 * backends clone. Dispose the handle as usual; the data lives until every handle is gone.
 */
import * as tf from '@tensorflow/tfjs';

/** Backends whose data is reference-counted in incRef/disposeData (checked in their sources, tfjs 4.22). */
const REF_COUNTED: ReadonlySet<string> = new Set(['wasm', 'cpu']);

/** `t` must live on the active backend (a Runner's tensors do). */
export function retain<T extends tf.Tensor>(t: T): T {
  if (!REF_COUNTED.has(tf.getBackend())) return t.clone();
  const handle = tf.engine().makeTensorFromDataId(t.dataId, t.shape, t.dtype) as T;
  tf.backend().incRef(t.dataId);
  return handle;
}
