/** loadCallbackModule: the module shapes `--callback` takes, and one clear line for each that it cannot. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_HYPERPARAMS } from '../../../src/shared/hyperparams';
import { loadCallbackModule, loadCallbackModules } from '../../../src/main/training/callback-module';
import { Callback } from '../../../src/main/training/loop/callback';
import { ROOT } from '../../helpers/runlab-cli';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'runlab-cbmod-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function module(name: string, source: string): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, source);
  return file;
}

describe('loadCallbackModule', () => {
  it('takes a factory given the engine and the config, returning one callback or a list', async () => {
    const one = await module('one.mjs', 'export default ({ Callback }, config) => new (class extends Callback { lr = config.lr })();');
    const two = await module(
      'two.mjs',
      'export default ({ Callback }) => [new (class A extends Callback {})(), new (class B extends Callback {})()];',
    );
    const cbs = await loadCallbackModules([one, two], { ...DEFAULT_HYPERPARAMS, lr: 0.25 });
    expect(cbs).toHaveLength(3);
    expect(cbs.every((cb) => cb instanceof Callback)).toBe(true);
    expect((cbs[0] as Callback & { lr: number }).lr).toBe(0.25);
  });

  it('takes a Callback subclass, relative to the folder it is given', async () => {
    const [cb] = await loadCallbackModule('docs/examples/target-accuracy.ts', DEFAULT_HYPERPARAMS, ROOT);
    expect(cb!.constructor.name).toBe('TargetAccuracyCallback');
  });

  it.each([
    ['missing.mjs', null, 'no such file'],
    ['syntax.ts', 'export default (', 'cannot load the module (Transform failed with 1 error: '],
    ['throws.mjs', 'throw new Error("not today");', 'cannot load the module (not today)'],
    ['nodefault.mjs', 'export const x = 1;', 'has no default export'],
    ['number.mjs', 'export default 42;', 'the default export must be a Callback class or a function returning callbacks, not a number'],
    ['string.mjs', 'export default () => "a callback";', 'the default export gave a string, not a Callback'],
    ['empty.mjs', 'export default () => [];', 'the default export gave an empty list, not a Callback'],
    ['factory.mjs', 'export default () => { throw new Error("no config"); };', 'building its callbacks failed (no config)'],
    [
      'foreign.mjs',
      'export default class Foreign { async begin_fit() {} }',
      'the default export is a class that does not extend the Runner’s Callback',
    ],
  ])('%s: an error naming the file', async (name, source, message) => {
    const file = source === null ? join(dir, name) : await module(name, source);
    const error = await loadCallbackModule(file, DEFAULT_HYPERPARAMS).catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message.startsWith(`${file}: ${message}`)).toBe(true);
    expect((error as Error).message).not.toContain('\n');
  });
});
