/**
 * modelZip: a run's checkpoint as a zip a person can take elsewhere — the TensorFlow.js
 * layers model (model.json and the weight files it names; tf.loadLayersModel reads them)
 * and classes.json: the class names in output order and how to prepare an image for it.
 */
import { join } from 'node:path';
import { zipSync } from 'fflate';
import type { CheckpointName } from '../../shared/analysis';
import { LabError } from '../../shared/api';
import type { RunRecord } from '../../shared/records';
import { readRegularFile } from '../fs/regular-file';
import { checkpointDir } from '../training/inference/checkpoint-dir';
import { exportFilename } from './store/export-name';

/** The whole zip is sent as one message: refuse what would not fit in memory comfortably. */
const MAX_MODEL_BYTES = 256 * 1024 * 1024;

export interface ModelZip {
  filename: string;
  checkpoint: CheckpointName;
  bytes: Uint8Array;
}

export async function modelZip(run: RunRecord, modelDir: string, which?: CheckpointName): Promise<ModelZip> {
  const found = await checkpointDir(modelDir, which);
  if (found === null) {
    const what = which ? `a ${which} checkpoint` : 'a saved model yet (a checkpoint is saved after each epoch)';
    throw new LabError({ code: 'not_found', field: 'checkpoint', message: `Run ${run.id} has no ${what}` });
  }
  const modelJson = await readModelFile(found.dir, 'model.json');
  const manifest = (JSON.parse(Buffer.from(modelJson).toString('utf8')) as { weightsManifest?: { paths?: unknown }[] }).weightsManifest;
  const paths = (manifest ?? []).flatMap((group) => (Array.isArray(group.paths) ? group.paths.filter((p) => typeof p === 'string') : []));
  const files: Record<string, Uint8Array> = { 'model.json': modelJson };
  for (const path of paths) {
    if (path.includes('/') || path.includes('\\') || path.startsWith('.')) {
      throw new LabError({
        code: 'invalid',
        message: `${join(found.dir, 'model.json')}: weight file ${JSON.stringify(path)} is not a plain file name`,
      });
    }
    files[path] = await readModelFile(found.dir, path);
  }
  const data = run.data;
  const classes = {
    run_id: run.id,
    run_name: run.name,
    checkpoint: found.checkpoint,
    classes: data?.classes ?? null,
    input_shape: data?.input_shape ?? null,
    // (value / 255 − mean[c]) / std[c] per channel, after a centre crop and a resize to width × height.
    image: data?.image ?? null,
  };
  files['classes.json'] = new TextEncoder().encode(`${JSON.stringify(classes, null, 2)}\n`);
  return { filename: exportFilename(run, `-${found.checkpoint}-model.zip`), checkpoint: found.checkpoint, bytes: zipSync(files) };
}

async function readModelFile(dir: string, name: string): Promise<Uint8Array> {
  const read = await readRegularFile(join(dir, name), MAX_MODEL_BYTES);
  if (read.ok) return new Uint8Array(read.data.buffer, read.data.byteOffset, read.data.length);
  throw new LabError({
    code: read.problem === 'missing' ? 'not_found' : 'internal',
    message: `Cannot read ${join(dir, name)} (${read.problem})`,
  });
}
