import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';

/**
 * Mutations of real files for the property tests: byte flips, truncation, line duplication and
 * deletion, anchor/alias injection, deep nesting, long runs. Positions are drawn as numbers and
 * taken modulo the text, so each mutation applies to any seed and shrinks towards the start.
 */

/** Characters that mean something to YAML, the shell or a line reader, and a few that do not. */
const INTERESTING = [
  ':',
  '-',
  ' ',
  '\n',
  '&a',
  '*a',
  '[',
  ']',
  '{',
  '}',
  '"',
  "'",
  '#',
  '!!str ',
  '|',
  '>',
  '\t',
  '\0',
  '\r',
  '\u2028',
  '\uFEFF',
  '<<: ',
  '? ',
  '%YAML 1.1\n',
  '---\n',
  '...\n',
  '\\',
  'é',
  '😀',
  'x',
  '0x1',
  'yes',
  '~',
];

type Mutation =
  | { kind: 'flip'; at: number; text: string }
  | { kind: 'truncate'; at: number }
  | { kind: 'duplicate-line'; line: number; times: number }
  | { kind: 'delete-line'; line: number }
  | { kind: 'anchor-alias'; from: number; to: number; name: string }
  | { kind: 'nest'; at: number; depth: number; flow: boolean }
  | { kind: 'run'; at: number; text: string; times: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    kind: fc.constant('flip' as const),
    at: fc.nat(),
    text: fc.oneof(fc.constantFrom(...INTERESTING), fc.string({ maxLength: 3, unit: 'binary' })),
  }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('duplicate-line' as const), line: fc.nat(), times: fc.integer({ min: 1, max: 300 }) }),
  fc.record({ kind: fc.constant('delete-line' as const), line: fc.nat() }),
  fc.record({
    kind: fc.constant('anchor-alias' as const),
    from: fc.nat(),
    to: fc.nat(),
    name: fc.stringMatching(/^[a-z][a-z0-9]{0,5}$/),
  }),
  fc.record({
    kind: fc.constant('nest' as const),
    at: fc.nat(),
    depth: fc.integer({ min: 1, max: 3000 }),
    flow: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant('run' as const),
    at: fc.nat(),
    text: fc.constantFrom(' ', '[', ')', '-', '*a, ', '{', ':', 'a: ', '"', '\\'),
    times: fc.integer({ min: 1, max: 20_000 }),
  }),
);

function splitLines(text: string): string[] {
  return text.split('\n');
}

/** Offsets just after each ': ' or '- ', where a YAML value starts. */
function valueStarts(text: string): number[] {
  const out: number[] = [];
  for (const m of text.matchAll(/(?::|^\s*-) /gm)) out.push((m.index ?? 0) + m[0].length);
  return out;
}

export function applyMutation(text: string, m: Mutation): string {
  const at = (n: number) => (text.length === 0 ? 0 : n % (text.length + 1));
  switch (m.kind) {
    case 'flip': {
      const i = at(m.at);
      return text.slice(0, i) + m.text + text.slice(i + 1);
    }
    case 'truncate':
      return text.slice(0, at(m.at));
    case 'duplicate-line': {
      const lines = splitLines(text);
      const i = m.line % lines.length;
      lines.splice(i, 0, ...Array(m.times).fill(lines[i]));
      return lines.join('\n');
    }
    case 'delete-line': {
      const lines = splitLines(text);
      lines.splice(m.line % lines.length, 1);
      return lines.join('\n');
    }
    case 'anchor-alias': {
      const starts = valueStarts(text);
      if (starts.length === 0) return text;
      const a = starts[m.from % starts.length] as number;
      const b = starts[m.to % starts.length] as number;
      // The alias replaces the rest of its line's value; the anchor goes in front of a value.
      const [first, second] = a <= b ? [a, b] : [b, a];
      const lineEnd = text.indexOf('\n', second);
      const end = lineEnd < 0 ? text.length : lineEnd;
      const withAlias = `${text.slice(0, second)}*${m.name}${text.slice(end)}`;
      return `${withAlias.slice(0, first)}&${m.name} ${withAlias.slice(first)}`;
    }
    case 'nest': {
      const i = at(m.at);
      const inner = m.flow
        ? `${'['.repeat(m.depth)}x${']'.repeat(m.depth)}`
        : Array.from({ length: Math.min(m.depth, 400) }, (_, d) => `${' '.repeat(d)}k:`).join('\n');
      return `${text.slice(0, i)}${inner}${text.slice(i)}`;
    }
    case 'run': {
      const i = at(m.at);
      return text.slice(0, i) + m.text.repeat(m.times) + text.slice(i);
    }
  }
}

/** Mutations stop growing a text past this (size caps have their own tests). */
const MAX_MUTATED = 1024 * 1024;

/** A seed text with one to four mutations applied in turn. */
export function mutated(seeds: readonly string[]): fc.Arbitrary<string> {
  return fc.tuple(fc.constantFrom(...seeds), fc.array(mutation, { minLength: 1, maxLength: 4 })).map(([seed, ms]) =>
    ms.reduce((text, m) => {
      const next = applyMutation(text, m);
      return next.length > MAX_MUTATED ? text : next;
    }, seed),
  );
}

/** The text files of a corpus folder (none when it is absent: the caller skips, saying why). */
export function corpusTexts(dir: string, ext: RegExp): { name: string; text: string }[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => ext.test(n))
    .sort()
    .map((name) => ({ name, text: readFileSync(path.join(dir, name), 'utf8') }));
}
