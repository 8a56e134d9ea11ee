/**
 * loadCallbackModule: a person's callbacks from a file of their own (`runlab train
 * --callback ./my-callback.ts`). The module's default export is either a Callback subclass
 * with a constructor that takes no arguments, or a function `(engine, config) => callback
 * or callbacks`, where `engine` is the public API (index.ts) — so the file needs no import
 * of Runlab and extends the very Callback class the Runner uses. Any problem is one line
 * that names the file. Only the CLI loads code; the desktop app and the web host never do.
 */
import { access } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Hyperparams } from '../../shared/hyperparams';
import * as engine from './index';
import { Callback } from './loop/callback';

/** What a callback module's factory gets: the engine's public API. */
export type Engine = typeof engine;

/** A callback module's default export. */
export type CallbackFactory = (engine: Engine, config: Hyperparams) => Callback | readonly Callback[];

export class CallbackModuleError extends Error {
  override readonly name = 'CallbackModuleError';
}

/** An error's gist on one line (esbuild's "Transform failed with 1 error:" needs its next line). */
function gist(error: unknown): string {
  const lines = (error instanceof Error ? error.message : String(error))
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  return lines[0]?.endsWith(':') && lines[1] !== undefined ? `${lines[0]} ${lines[1]}` : (lines[0] ?? 'unknown error');
}

/**
 * The module's default export. A TypeScript file outside an ES-module package loads as
 * CommonJS, whose exports object then carries the default: unwrap it.
 */
function defaultExport(mod: { default?: unknown }): unknown {
  const exported = mod.default;
  if (typeof exported === 'object' && exported !== null && 'default' in exported) return (exported as { default: unknown }).default;
  return exported;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'function') return `a function (${value.name || 'anonymous'})`;
  if (typeof value === 'object') return `an object (${(value as object).constructor?.name ?? 'Object'})`;
  return `a ${typeof value}`;
}

/** Loads `file` (relative to `cwd`) and builds its callbacks for `config`. */
export async function loadCallbackModule(file: string, config: Hyperparams, cwd = process.cwd()): Promise<Callback[]> {
  const path = resolve(cwd, file);
  const fail = (problem: string): never => {
    throw new CallbackModuleError(`${file}: ${problem}`);
  };
  await access(path).catch(() => fail('no such file'));
  let exported: unknown;
  try {
    exported = defaultExport((await import(pathToFileURL(path).href)) as { default?: unknown });
  } catch (error) {
    return fail(`cannot load the module (${gist(error)})`);
  }
  if (exported === undefined) return fail('has no default export (export default a Callback class or a function returning callbacks)');
  if (typeof exported !== 'function') {
    return fail(`the default export must be a Callback class or a function returning callbacks, not ${describe(exported)}`);
  }
  const isClass = /^class[\s{]/.test(Function.prototype.toString.call(exported));
  if (isClass && !(exported.prototype instanceof Callback)) {
    // A class from a second copy of the engine (a CommonJS-loaded file importing it) is not the Runner's Callback.
    return fail(
      'the default export is a class that does not extend the Runner’s Callback: export a function (engine) => callbacks using engine.Callback, or name the file .mts so it loads as an ES module',
    );
  }
  let made: unknown;
  try {
    made = exported.prototype instanceof Callback ? new (exported as new () => Callback)() : (exported as CallbackFactory)(engine, config);
  } catch (error) {
    return fail(`building its callbacks failed (${gist(error)})`);
  }
  const list: unknown[] = Array.isArray(made) ? made : [made];
  const stray = list.find((cb) => !(cb instanceof Callback));
  if (stray !== undefined || list.length === 0) {
    const got = list.length === 0 ? 'an empty list' : describe(stray);
    return fail(`the default export gave ${got}, not a Callback (extend engine.Callback, the class the Runner uses)`);
  }
  return list as Callback[];
}

/** Every module's callbacks, in order. */
export async function loadCallbackModules(files: readonly string[], config: Hyperparams, cwd?: string): Promise<Callback[]> {
  const all: Callback[] = [];
  for (const file of files) all.push(...(await loadCallbackModule(file, config, cwd)));
  return all;
}
