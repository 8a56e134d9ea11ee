import { describe, expect, it } from 'vitest';
import { virtualWindow } from '../../../src/renderer/src/lib/virtual-rows';

describe('virtualWindow', () => {
  it('renders the visible rows plus the overscan, and pads the rest', () => {
    // 1,000 rows of 36 px, 540 px of viewport scrolled to row 100.
    const w = virtualWindow({ count: 1000, rowHeight: 36, scrollTop: 3600, viewportHeight: 540, overscan: 5 });
    expect(w).toEqual({ start: 95, end: 120, padTop: 95 * 36, padBottom: (1000 - 120) * 36 });
    // The rows and the padding add up to the whole list's height: the scrollbar is the real one.
    expect(w.padTop + (w.end - w.start) * 36 + w.padBottom).toBe(36_000);
  });

  it('clamps at both ends', () => {
    expect(virtualWindow({ count: 1000, rowHeight: 36, scrollTop: -50, viewportHeight: 540, overscan: 5 })).toMatchObject({
      start: 0,
      end: 20,
      padTop: 0,
    });
    const end = virtualWindow({ count: 1000, rowHeight: 36, scrollTop: 10_000_000, viewportHeight: 540, overscan: 5 });
    expect(end).toMatchObject({ start: 994, end: 1000, padBottom: 0 });
  });

  it('renders a screenful before the first layout and nothing for an empty list', () => {
    expect(virtualWindow({ count: 1000, rowHeight: 36, scrollTop: 0, viewportHeight: 0, overscan: 0 })).toMatchObject({
      start: 0,
      end: 30,
    });
    expect(virtualWindow({ count: 0, rowHeight: 36, scrollTop: 0, viewportHeight: 500 })).toEqual({
      start: 0,
      end: 0,
      padTop: 0,
      padBottom: 0,
    });
    expect(virtualWindow({ count: 3, rowHeight: 36, scrollTop: 0, viewportHeight: 500 })).toMatchObject({ start: 0, end: 3, padBottom: 0 });
  });
});
