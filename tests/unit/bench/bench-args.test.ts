/** `npm run bench` flags. */
import { describe, expect, it } from 'vitest';
import { parseBenchArgs, SECTIONS } from '../../../bench/lib/bench-args';

describe('parseBenchArgs', () => {
  it('defaults to every section, 5 interleaved repeats and a human table', () => {
    const s = parseBenchArgs([]);
    expect(s).toMatchObject({ json: false, quick: false, repeats: 5, epochs: 16, warmupEpochs: 12, sweepRepeats: 3 });
    expect(s.sections).toEqual([...SECTIONS]);
  });

  it('--quick shortens everything; --repeats and --json as given', () => {
    expect(parseBenchArgs(['--quick'])).toMatchObject({ repeats: 3, sweepRepeats: 1, telemetryRepeats: 1 });
    expect(parseBenchArgs(['--json', '--repeats', '7'])).toMatchObject({ json: true, repeats: 7, sweepRepeats: 3 });
    expect(parseBenchArgs(['--repeats=2', '--only', 'jobs,profile']).sections).toEqual(['jobs', 'profile']);
  });

  it('refuses what it does not know, naming the flag and what it takes', () => {
    expect(() => parseBenchArgs(['--repeats', '0'])).toThrow('--repeats takes a whole number ≥ 1, got "0"');
    expect(() => parseBenchArgs(['--repeats'])).toThrow('--repeats takes a whole number ≥ 1, got nothing');
    expect(() => parseBenchArgs(['--only', 'jobs,gpu'])).toThrow(/unknown: gpu/);
    expect(() => parseBenchArgs(['--sweep-loop', 'fast'])).toThrow('--sweep-loop takes runner or bare, got "fast"');
    expect(() => parseBenchArgs(['--fast'])).toThrow(/unknown option "--fast"/);
  });
});
