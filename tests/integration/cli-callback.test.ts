/**
 * `runlab train --callback`: the docs' example modules change real runs — in process
 * (--no-save) and in the trainer process of a saved run — and a module that cannot give
 * callbacks is refused before any run with one line naming the file (exit 2).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunStore } from '../../src/main/runs/store/store';
import { lines, startRunlab } from '../helpers/runlab-cli';

let home: string;
let dir: string;

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'runlab-cli-callback-'));
  dir = await mkdtemp(join(tmpdir(), 'runlab-callback-modules-'));
});

afterAll(async () => {
  await rm(home, { recursive: true, force: true });
  await rm(dir, { recursive: true, force: true });
});

const runlab = (...args: string[]) => startRunlab(args, home).done;
const final = (stdout: string) => JSON.parse(lines(stdout).at(-1)!) as Record<string, unknown>;

describe('runlab train --callback', () => {
  it.each([[['--no-save']], [[]]])(
    'docs/examples/target-accuracy.ts stops the run at the first epoch at the target, and its stderr reaches the terminal %j',
    async (extra) => {
      const { code, stdout, stderr } = await runlab(
        'train',
        '--callback',
        'docs/examples/target-accuracy.ts',
        '--epochs',
        '5',
        '--json',
        ...extra,
      );
      expect(code).toBe(0);
      expect(final(stdout)).toMatchObject({ status: 'completed', epochs: 1, stopped_by: 'target-accuracy' });
      expect(stderr).toMatch(/^target-accuracy: 0\.\d{4} ≥ 0\.8 after epoch 1$/m);
      if (extra.length === 0) {
        const run = await new RunStore(home).get(final(stdout).run_id as string);
        expect(run.summary).toMatchObject({ epochs: 1, stopped_by: 'target-accuracy' });
      }
    },
  );

  it('takes several modules, a TypeScript factory from a folder outside any package among them', async () => {
    const file = join(dir, 'hello.ts');
    await writeFile(
      file,
      "import type { Engine } from 'runlab';\nexport default ({ Callback }: Engine) => new (class extends Callback {\n  override async after_fit() { console.error('hello after', this.runner.nIter); }\n})();\n",
    );
    const { code, stdout, stderr } = await runlab(
      'train',
      '--callback',
      file,
      '--callback',
      'docs/examples/gradient-clipping.ts',
      '--stop-after',
      '3',
      '--no-save',
      '--json',
    );
    expect(code).toBe(0);
    expect(final(stdout)).toMatchObject({ status: 'completed', iterations: 3 });
    expect(stderr).toContain('hello after 3');
  });

  it.each([
    ['missing.ts', null, 'no such file'],
    ['syntax.ts', 'export default (', 'cannot load the module (Transform failed with 1 error: '],
  ])('%s is refused with one line naming the file, exit 2, and no run', async (name, source, message) => {
    const file = join(dir, name);
    if (source !== null) await writeFile(file, source);
    const data = join(home, `refused-${name}`);
    const { code, stdout, stderr } = await runlab('--data-dir', data, 'train', '--callback', file, '--stop-after', '3');
    expect(code).toBe(2);
    expect(stdout).toBe('');
    const errors = lines(stderr);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.startsWith(`error: --callback ${file}: ${message}`)).toBe(true);
    expect(await new RunStore(data).list()).toEqual([]);
  });
});
