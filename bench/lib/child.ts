/**
 * Runs one measurement in its own process and reads its result: the last non-empty stdout
 * line, as JSON. A fresh process per measurement gives each a fresh tfjs engine and an
 * honest RSS. Failures come back as values (with the stderr tail), never as throws, so
 * one broken contender does not stop the others.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

export type Outcome<T> = { ok: true; value: T; seconds: number } | { ok: false; error: string; seconds: number; stderr?: string };

export interface ProcessOptions {
  env?: NodeJS.ProcessEnv;
  /** Killed (SIGKILL) after this long; default 10 minutes. */
  timeoutMs?: number;
}

/** The last non-empty line of a process's stdout, parsed as JSON. */
export function lastJsonLine(stdout: string): unknown {
  const line = stdout
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .at(-1);
  if (line === undefined) throw new Error('printed nothing on stdout');
  try {
    return JSON.parse(line);
  } catch {
    throw new Error(`last stdout line is not JSON: ${line.slice(0, 200)}`);
  }
}

/** The last line of stderr that says something: not a stack frame, not Node's version banner. */
export function lastMessage(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !/^Node\.js v\d/.test(l) && !/^at .+/.test(l));
  return lines.at(-1) ?? '(no stderr)';
}

function tail(text: string, lines = 12): string {
  return text.trim().split('\n').slice(-lines).join('\n');
}

export function runProcess<T>(command: string, args: readonly string[], options: ProcessOptions = {}): Promise<Outcome<T>> {
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  return new Promise((resolve) => {
    const child = spawn(command, args, { env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-20_000)));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? 600_000);
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve({ ok: false, error: `could not start ${command}: ${err.message}`, seconds: seconds() });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (timedOut) return resolve({ ok: false, error: `timed out after ${(options.timeoutMs ?? 600_000) / 1000} s`, seconds: seconds() });
      if (code !== 0) {
        const how = signal ? `killed by ${signal}` : `exit code ${code}`;
        return resolve({ ok: false, error: `${how}: ${lastMessage(stderr)}`, stderr: tail(stderr), seconds: seconds() });
      }
      try {
        resolve({ ok: true, value: lastJsonLine(stdout) as T, seconds: seconds() });
      } catch (err) {
        resolve({
          ok: false,
          error: `${(err as Error).message}; stderr: ${lastMessage(stderr)}`,
          stderr: tail(stderr),
          seconds: seconds(),
        });
      }
    });
  });
}

const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** A TypeScript measurement entry (bench/*.ts) under Node + tsx, its options as one JSON argument. */
export function runMeasurementProcess<T>(
  entry: string,
  options: unknown,
  processOptions: ProcessOptions & { nodeArgs?: string[] } = {},
): Promise<Outcome<T>> {
  const args = [...(processOptions.nodeArgs ?? []), '--import', tsxLoader, entry, JSON.stringify(options)];
  return runProcess<T>(process.execPath, args, processOptions);
}
