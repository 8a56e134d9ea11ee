/** Finding a Python with torch, writing the train set for it, and reading another process's peak RSS. */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseVmHwmMb } from '../../../bench/lib/proc-status';
import { findTorchPython, pythonCandidates, singleThreadEnv, writeTrainSet } from '../../../bench/lib/python';
import { Dataset } from '../../../src/main/training/data/dataset';

describe('findTorchPython', () => {
  it("tries $RUNLAB_BENCH_PYTHON first, then python3 on PATH, then Debian's", () => {
    expect(pythonCandidates({ RUNLAB_BENCH_PYTHON: '/opt/py/bin/python' })).toEqual([
      '/opt/py/bin/python',
      'python3',
      '/usr/bin/python3',
      'python',
    ]);
    expect(pythonCandidates({})).toEqual(['python3', '/usr/bin/python3', 'python']);
  });

  it('says why when no candidate can import torch, naming each one tried', () => {
    const found = findTorchPython(['/nonexistent/python3', process.execPath]);
    expect('reason' in found && found.reason).toMatch(/^no Python with torch found .*tried \/nonexistent\/python3: ENOENT; .*node/);
  });
});

describe('writeTrainSet', () => {
  it('writes float32 pixels and int32 labels, little-endian, exactly as pytorch_train.py reads them', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'runlab-bench-test-'));
    try {
      const x = Float32Array.from({ length: 2 * 784 }, (_, i) => i / 7 - 3);
      const ds = new Dataset(x, Int32Array.from([7, 2]), [784]);
      const files = await writeTrainSet(dir, ds);
      const xb = await readFile(files.x);
      const yb = await readFile(files.y);
      expect(xb.length).toBe(2 * 784 * 4);
      expect(new Float32Array(xb.buffer, xb.byteOffset, 2 * 784)).toEqual(x);
      expect([yb.readInt32LE(0), yb.readInt32LE(4)]).toEqual([7, 2]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('singleThreadEnv', () => {
  it('pins every threading layer PyTorch may use to one thread', () => {
    expect(singleThreadEnv({ PATH: '/bin' })).toEqual({
      PATH: '/bin',
      OMP_NUM_THREADS: '1',
      OPENBLAS_NUM_THREADS: '1',
      MKL_NUM_THREADS: '1',
    });
  });
});

describe('parseVmHwmMb', () => {
  it('reads the peak resident set from a /proc status file', async () => {
    expect(parseVmHwmMb('Name:\tnode\nVmPeak:\t 999 kB\nVmHWM:\t  245760 kB\nVmRSS:\t 1 kB\n')).toBe(240);
    expect(parseVmHwmMb('Name:\tnode\n')).toBeNull();
    if (process.platform === 'linux') expect(parseVmHwmMb(await readFile('/proc/self/status', 'utf8'))).toBeGreaterThan(10);
  });
});
