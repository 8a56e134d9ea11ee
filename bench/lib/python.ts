/**
 * The PyTorch side of the comparison: find a Python that can `import torch` (the first
 * python3 on PATH may be a pyenv one without it), write the train set in the format
 * bench/reference/pytorch_train.py reads, and describe the BLAS it will use.
 */
import { spawnSync } from 'node:child_process';
import { readlinkSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Dataset } from '../../src/main/training/data/dataset';

export interface TorchPython {
  path: string;
  torch: string;
  numpy: string;
}

/** Interpreters tried in order: $RUNLAB_BENCH_PYTHON, then python3 on PATH, then Debian's. */
export function pythonCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  const list = [env.RUNLAB_BENCH_PYTHON, 'python3', '/usr/bin/python3', 'python'].filter((p): p is string => !!p && p.trim() !== '');
  return [...new Set(list)];
}

const PROBE = 'import json, numpy, torch; print(json.dumps({"torch": torch.__version__, "numpy": numpy.__version__}))';

/** The first candidate that imports torch and numpy, or why none does. */
export function findTorchPython(candidates = pythonCandidates()): { python: TorchPython } | { reason: string } {
  const tried: string[] = [];
  for (const path of candidates) {
    const r = spawnSync(path, ['-c', PROBE], { encoding: 'utf8', timeout: 60_000 });
    if (r.error) {
      tried.push(`${path}: ${(r.error as NodeJS.ErrnoException).code ?? r.error.message}`);
      continue;
    }
    if (r.status !== 0) {
      const last = (r.stderr || '').trim().split('\n').at(-1) ?? `exit ${r.status}`;
      tried.push(`${path}: ${last}`);
      continue;
    }
    try {
      const v = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { torch: string; numpy: string };
      return { python: { path, torch: v.torch, numpy: v.numpy } };
    } catch {
      tried.push(`${path}: unexpected output ${r.stdout.slice(0, 80)}`);
    }
  }
  return {
    reason: `no Python with torch found (install Debian's python3-torch and libopenblas0, or set RUNLAB_BENCH_PYTHON); tried ${tried.join('; ')}`,
  };
}

/** Which BLAS Debian's alternatives point libblas at (OpenBLAS, or the slow reference one). */
export function blasLibrary(): string | null {
  try {
    return readlinkSync('/etc/alternatives/libblas.so.3-x86_64-linux-gnu');
  } catch {
    return null;
  }
}

/** Writes x (float32, n·784) and y (int32, n) little-endian files, as pytorch_train.py reads them. */
export async function writeTrainSet(dir: string, train: Dataset): Promise<{ x: string; y: string }> {
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) throw new Error('writeTrainSet: this writer assumes a little-endian machine');
  const x = join(dir, 'train-x.f32');
  const y = join(dir, 'train-y.i32');
  await writeFile(x, new Uint8Array(train.x.buffer, train.x.byteOffset, train.x.byteLength));
  await writeFile(y, new Uint8Array(train.y.buffer, train.y.byteOffset, train.y.byteLength));
  return { x, y };
}

/** One thread for every threading layer PyTorch may use, as the tfjs side has. */
export function singleThreadEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
}
