/** Runs the real `runlab` command (bin/runlab.js) in a child process with its own data folder. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function startRunlab(args: string[], home: string): { child: ChildProcess; done: Promise<CliResult> } {
  const child = spawn(process.execPath, ['bin/runlab.js', ...args], {
    cwd: ROOT,
    env: { ...process.env, RUNLAB_HOME: home, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  return { child, done };
}

/** Non-blank lines of an output. */
export const lines = (text: string): string[] => text.split('\n').filter((l) => l.trim() !== '');
