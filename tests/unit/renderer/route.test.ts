import { describe, expect, it } from 'vitest';
import { formatRoute, parseRoute } from '../../../src/renderer/src/lib/route';

describe('hash routes', () => {
  it('parses a view and its runs', () => {
    expect(parseRoute('#/compare?runs=a,b')).toEqual({ view: 'compare', runs: ['a', 'b'] });
    expect(parseRoute('#/live?runs=20240501-100000-abcd')).toEqual({ view: 'live', runs: ['20240501-100000-abcd'] });
    expect(parseRoute('#/history')).toEqual({ view: 'history', runs: [] });
  });

  it('falls back to New run for an empty or unknown hash, and drops duplicate or blank ids', () => {
    expect(parseRoute('')).toEqual({ view: 'new', runs: [] });
    expect(parseRoute('#/nowhere')).toEqual({ view: 'new', runs: [] });
    expect(parseRoute('#/compare?runs=a,,a,b,')).toEqual({ view: 'compare', runs: ['a', 'b'] });
  });

  it('formats back to the same hash', () => {
    for (const hash of ['#/new', '#/live?runs=a', '#/compare?runs=a,b', '#/history?group=sweep-20261202-231205-afa8']) {
      expect(formatRoute(parseRoute(hash))).toBe(hash);
    }
  });

  it("reads History's group filter, ignoring one that is not a group id", () => {
    expect(parseRoute('#/history?group=sweep-20261202-231205-afa8')).toEqual({
      view: 'history',
      runs: [],
      group: 'sweep-20261202-231205-afa8',
    });
    expect(parseRoute('#/history?group=a%20b')).toEqual({ view: 'history', runs: [] });
    expect(parseRoute('#/history?group=')).toEqual({ view: 'history', runs: [] });
  });
});
