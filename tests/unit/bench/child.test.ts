/** The orchestrator's side of a measurement process: last-line JSON results, failures as values. */
import { describe, expect, it } from 'vitest';
import { lastJsonLine, runProcess } from '../../../bench/lib/child';

const node = process.execPath;

describe('lastJsonLine', () => {
  it('reads the last non-empty line, whatever was printed before it', () => {
    expect(lastJsonLine('warming up\n{"a":1}\n{"b":2}\n\n')).toEqual({ b: 2 });
    expect(() => lastJsonLine('\n \n')).toThrow('printed nothing on stdout');
    expect(() => lastJsonLine('{"a":1}\ndone')).toThrow('last stdout line is not JSON: done');
  });
});

describe('runProcess', () => {
  it('returns the parsed result of a real process', async () => {
    const o = await runProcess<{ sps: number }>(node, ['-e', 'console.log("log line"); console.log(JSON.stringify({ sps: 123 }))']);
    expect(o.ok && o.value).toEqual({ sps: 123 });
  });

  it('turns a crash into a failure carrying the last message on stderr', async () => {
    const o = await runProcess(node, ['-e', 'console.error("runJob: not implemented yet"); process.exit(3)']);
    expect(o.ok).toBe(false);
    if (!o.ok) expect(o.error).toBe('exit code 3: runJob: not implemented yet');
    const thrown = await runProcess(node, ['-e', 'throw new Error("no data")']);
    if (!thrown.ok) expect(thrown.error).toBe('exit code 1: Error: no data');
    expect(thrown.ok).toBe(false);
  });

  it('kills a process that outlives its timeout', async () => {
    const o = await runProcess(node, ['-e', 'setTimeout(() => {}, 60_000)'], { timeoutMs: 300 });
    expect(o).toMatchObject({ ok: false, error: 'timed out after 0.3 s' });
  });

  it('reports a command that cannot start', async () => {
    const o = await runProcess('/nonexistent/python3', []);
    expect(o.ok).toBe(false);
    if (!o.ok) expect(o.error).toMatch(/^could not start \/nonexistent\/python3: .*ENOENT/);
  });
});
