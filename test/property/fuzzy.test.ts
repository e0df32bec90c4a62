import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fuzzyFilter, fuzzyMatch, fuzzyScore } from '../../ipc/fuzzy.ts';

/**
 * The matcher the dashboard, the quick switcher and the CLI picker share (ipc/fuzzy.ts): it
 * matches exactly the in-order subsequences (ignoring case), reports where, and ranks without
 * dropping or inventing items.
 */

const fold = (s: string) => [...s].map((c) => (c.toLowerCase().length === 1 ? c.toLowerCase() : c)).join('');

/** Reference: is `q` an in-order subsequence of `t`, comparing code units case-folded? */
function isSubsequence(q: string, t: string): boolean {
  let i = 0;
  for (let j = 0; j < t.length && i < q.length; j++) {
    if (fold(q[i] as string) === fold(t[j] as string)) i++;
  }
  return i === q.length;
}

const nameChar = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789-'.split(''));
const clusterName = fc.string({ unit: nameChar, minLength: 1, maxLength: 30 });
const anyText = fc.string({ maxLength: 40 });

describe('fuzzyMatch', () => {
  it('matches exactly when the query is an in-order subsequence of the text, ignoring case', () => {
    fc.assert(
      fc.property(anyText, anyText, (q, t) => {
        expect(fuzzyMatch(q, t) !== null).toBe(isSubsequence(q, t));
      }),
      { numRuns: 2000 },
    );
  });

  it('finds every subsequence drawn from a name, in upper case too', () => {
    fc.assert(
      fc.property(
        clusterName.chain((t) =>
          fc.tuple(fc.constant(t), fc.subarray([...Array(t.length).keys()], { minLength: 1 }), fc.boolean()),
        ),
        ([t, picked, upper]) => {
          const q = picked.map((i) => t[i]).join('');
          expect(fuzzyMatch(upper ? q.toUpperCase() : q, t)).not.toBeNull();
        },
      ),
    );
  });

  it('reports increasing positions whose characters spell the query', () => {
    fc.assert(
      fc.property(anyText, anyText, (q, t) => {
        const m = fuzzyMatch(q, t);
        if (!m) return;
        expect(m.positions).toHaveLength(q.length);
        m.positions.forEach((p, i) => {
          expect(p).toBeGreaterThanOrEqual(0);
          expect(p).toBeLessThan(t.length);
          if (i > 0) expect(p).toBeGreaterThan(m.positions[i - 1] as number);
          expect(fold(t[p] as string)).toBe(fold(q[i] as string));
        });
      }),
      { numRuns: 2000 },
    );
  });

  it('ranks a whole name above any other name it is a scattered part of', () => {
    fc.assert(
      fc.property(clusterName, clusterName, (a, b) => {
        fc.pre(a !== b);
        const self = fuzzyMatch(a, a);
        const other = fuzzyMatch(a, b);
        expect(self).not.toBeNull();
        if (other) expect(self?.score).toBeGreaterThan(other.score);
      }),
    );
  });

  it('prefers a word start and consecutive letters', () => {
    const atStart = fuzzyMatch('us', 'prod-us')?.score ?? 0;
    const inside = fuzzyMatch('us', 'prodxus')?.score ?? 0;
    expect(atStart).toBeGreaterThan(inside);
    expect(fuzzyMatch('pay', 'payments-eu')?.score).toBeGreaterThan(fuzzyMatch('pay', 'p-a-y')?.score ?? 0);
    expect(fuzzyMatch('us', 'prod-us')?.positions).toEqual([5, 6]);
  });
});

describe('fuzzyScore and fuzzyFilter', () => {
  const item = fc.record({ name: clusterName, ip: fc.ipV4(), group: clusterName });
  const fields = (x: { name: string; ip: string; group: string }) => [x.name, x.ip, x.group];

  it('keeps every item, in order, for a query with no terms', () => {
    fc.assert(
      fc.property(fc.array(item, { maxLength: 30 }), fc.stringMatching(/^\s*$/), (items, q) => {
        expect(fuzzyFilter(items, q, fields)).toEqual(items);
      }),
    );
  });

  it('returns exactly the matching items, best first, ties in input order', () => {
    fc.assert(
      fc.property(fc.array(item, { maxLength: 40 }), fc.string({ unit: nameChar, maxLength: 4 }), (items, q) => {
        const out = fuzzyFilter(items, q, fields);
        const matching = items.filter((x) => fuzzyScore(q, fields(x)) !== null);
        expect(new Set(out)).toEqual(new Set(matching));
        expect(out).toHaveLength(matching.length);
        for (let i = 1; i < out.length; i++) {
          const prev = fuzzyScore(q, fields(out[i - 1] as (typeof items)[number])) as number;
          const cur = fuzzyScore(q, fields(out[i] as (typeof items)[number])) as number;
          expect(prev).toBeGreaterThanOrEqual(cur);
          if (prev === cur) expect(items.indexOf(out[i - 1] as never)).toBeLessThan(items.indexOf(out[i] as never));
        }
      }),
    );
  });

  it('needs every term of a query to match some field', () => {
    fc.assert(
      fc.property(item, clusterName, clusterName, (x, t1, t2) => {
        const both = fuzzyScore(`${t1} ${t2}`, fields(x));
        const one = fuzzyScore(t1, fields(x));
        const two = fuzzyScore(t2, fields(x));
        expect(both !== null).toBe(one !== null && two !== null);
      }),
    );
  });

  it('finds a cluster by its IP or group as well as by its name', () => {
    const items = [
      { name: 'prod-us', ip: '10.0.1.5', group: 'prod' },
      { name: 'lab', ip: '192.168.7.9', group: 'team-blue' },
    ];
    expect(fuzzyFilter(items, '192.168', fields).map((x) => x.name)).toEqual(['lab']);
    expect(fuzzyFilter(items, 'blue', fields).map((x) => x.name)).toEqual(['lab']);
    expect(fuzzyFilter(items, 'pus', fields).map((x) => x.name)).toEqual(['prod-us']);
  });
});
