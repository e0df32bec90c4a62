/**
 * The dashboard's row window: which rows of a fixed-height list are drawn for a scroll position.
 * Whatever the list, position and viewport, the drawn rows cover the viewport, with at most
 * OVERSCAN more on each side, and the spacers keep the list's full height.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OVERSCAN, rowWindow } from '../../../renderer/src/components/windowing.ts';

const ROW = 44;

describe('rowWindow', () => {
  it('draws the rows in view plus at most OVERSCAN each side, and the spacers keep the full height', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 5000 }),
        fc.integer({ min: 0, max: 300_000 }),
        fc.integer({ min: 1, max: 3000 }),
        (count, scrollTop, height) => {
          const w = rowWindow(count, ROW, scrollTop, height);
          expect(0 <= w.start && w.start <= w.end && w.end <= count).toBe(true);
          expect(w.before + (w.end - w.start) * ROW + w.after).toBe(count * ROW);
          // The viewport as the browser clamps it to the list.
          const top = Math.max(0, Math.min(scrollTop, count * ROW - height));
          const firstVisible = Math.floor(top / ROW);
          const lastVisible = Math.min(count, Math.ceil((top + height) / ROW));
          if (count > 0) {
            expect(w.start).toBeLessThanOrEqual(firstVisible);
            expect(w.end).toBeGreaterThanOrEqual(lastVisible);
          }
          expect(firstVisible - w.start).toBeLessThanOrEqual(OVERSCAN);
          expect(w.end - lastVisible).toBeLessThanOrEqual(OVERSCAN);
        },
      ),
    );
  });

  it('at the top of 1,000 rows in a 700 px view: the 16 in view and 4 below, not 1,000', () => {
    expect(OVERSCAN).toBe(4);
    expect(rowWindow(1000, ROW, 0, 700)).toEqual({ start: 0, end: 20, before: 0, after: 980 * ROW });
    // Scrolled to row 500: 4 above, the 16 in view, 4 below.
    expect(rowWindow(1000, ROW, 500 * ROW, 700)).toEqual({ start: 496, end: 520, before: 496 * ROW, after: 480 * ROW });
  });
});
