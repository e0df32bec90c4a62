/**
 * A reader for the plain block YAML that kubectl, client-go and kubezt write, and nothing more.
 *
 * `kubezt use` runs in prompt hooks and must not be slower than `kubectl config use-context`.
 * Parsing a kubeconfig with js-yaml costs a cold Node process more than the rest of the command
 * together (loading the library, then interpreting its scanner character by character), while
 * a kubeconfig is almost always this simple shape, which a line scanner reads in a fraction of
 * the time.
 *
 * It is a recognizer, not a second YAML implementation: it answers only when it is certain that
 * every YAML 1.1 and 1.2 parser reads the text the same way, and returns null for anything else
 * (flow collections other than `{}`/`[]`, anchors, tags, block and multi-line scalars, escapes
 * beyond JSON's, numbers, `yes`/`on`-style booleans, duplicate keys, tabs, CRLF, several
 * documents...). The caller then takes js-yaml. A test holds it to js-yaml's YAML 1.1 reading on
 * every kubeconfig fixture.
 */

export interface BlockYamlDocument {
  /** The root mapping, as js-yaml's YAML 1.1 schema would construct it. */
  data: Record<string, unknown>;
  /** Source range of each top-level scalar value (quotes included), by key. */
  rootValueTokens: Map<string, { start: number; end: number }>;
}

interface Line {
  /** Column of the first content character. */
  indent: number;
  /** Offset of that character in the source. */
  start: number;
  /** Offset of the end of the line (before '\n'). */
  end: number;
}

class NotSimple extends Error {}

// Nesting the block reader follows (recursively); deeper files go to js-yaml. kubeconfigs nest
// about eight levels.
const MAX_DEPTH = 64;
const notSimple = (): never => {
  throw new NotSimple();
};

const KEY = /^[A-Za-z_][A-Za-z0-9_./-]*$/;
// Plain scalars kept to characters with no meaning in YAML; no spaces, so no ` #` or `: `.
const PLAIN = /^[A-Za-z0-9_./@:+=~[\]-]+$/;
const LETTER_START = /^[A-Za-z_/]/;
// Characters no YAML 1.1 int, float or timestamp contains (t, x, z and a-f do).
const NOT_NUMERIC = /[g-su-wyG-SU-WY/=@~]/;
// Words some parser reads as a bool, null or float (YAML 1.1's y/on/off, js-yaml's nan/inf).
const BOOL_OR_NULL_WORD = /^(?:y|n|yes|no|on|off|true|false|null|nan|inf|infinity)$/i;
// biome-ignore lint/suspicious/noControlCharactersInRegex: raw control characters are what it must refuse
const JSON_STRING = /^"(?:[^"\\\u0000-\u001f\u007f]|\\["\\bfnrt]|\\u[0-9a-fA-F]{4})*"$/;

function scanLines(src: string): Line[] {
  if (src.includes('\r') || src.includes('\t') || src.charCodeAt(0) === 0xfeff) notSimple();
  const lines: Line[] = [];
  let pos = 0;
  while (pos <= src.length) {
    let end = src.indexOf('\n', pos);
    if (end < 0) end = src.length;
    let i = pos;
    while (i < end && src.charCodeAt(i) === 32) i++;
    const first = src[i];
    if (i < end && first !== '#') {
      if (first === '%' || (i === pos && (src.startsWith('---', i) || src.startsWith('...', i)))) notSimple();
      lines.push({ indent: i - pos, start: i, end });
    }
    pos = end + 1;
  }
  return lines;
}

/** The value text of a line from `from` on: without a trailing comment and spaces. */
function valueRange(src: string, from: number, end: number): { start: number; end: number } {
  let start = from;
  while (start < end && src.charCodeAt(start) === 32) start++;
  if (start >= end || src[start] === '#') return { start, end: start };
  let stop: number;
  const q = src[start];
  if (q === '"' || q === "'") {
    // A single-line quoted scalar: the closing quote is the last one before a comment or the end.
    stop = -1;
    for (let i = start + 1; i < end; i++) {
      const c = src[i];
      if (q === '"' && c === '\\') {
        i++;
        continue;
      }
      if (c === q) {
        if (q === "'" && src[i + 1] === "'") {
          i++;
          continue;
        }
        stop = i + 1;
        break;
      }
    }
    if (stop < 0) notSimple();
  } else {
    stop = start;
    while (stop < end && src.charCodeAt(stop) !== 32) stop++;
  }
  let rest = stop;
  while (rest < end && src.charCodeAt(rest) === 32) rest++;
  if (rest < end && (src[rest] !== '#' || rest === stop)) notSimple();
  return { start, end: stop };
}

/** The value of one scalar token, or NotSimple when its reading could differ between parsers. */
function scalarValue(text: string): unknown {
  if (text === '{}') return {};
  if (text === '[]') return [];
  if (text === 'null' || text === '~') return null;
  if (text === 'true') return true;
  if (text === 'false') return false;
  const q = text[0];
  if (q === "'") {
    const inner = text.slice(1, -1);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: raw control characters are what it must refuse
    if (/[\u0000-\u001f\u007f]/.test(inner) || inner.replace(/''/g, '').includes("'")) notSimple();
    return inner.replace(/''/g, "'");
  }
  if (q === '"') {
    if (!JSON_STRING.test(text)) notSimple();
    return JSON.parse(text);
  }
  if (!PLAIN.test(text) || text.endsWith(':') || text.includes(':#') || BOOL_OR_NULL_WORD.test(text)) notSimple();
  if (LETTER_START.test(text)) return text;
  // `--region`-style exec arguments, base64 that starts with +: a sign then a letter is no number.
  if (/^-[A-Za-z-]/.test(text) || /^\+[A-Za-z/]/.test(text)) return text;
  if (/^[0-9]/.test(text)) {
    // 0x (hex), 0b (YAML 1.1 binary), 0o (YAML 1.2 octal) with their digits: a number somewhere.
    if (/^0x[0-9a-f_]+$|^0b[01_]+$|^0o[0-7_]+$/i.test(text)) return notSimple();
    // Otherwise the letter after 0 already rules out every numeric form.
    if (/^0[xbo]/i.test(text)) return text;
    if (NOT_NUMERIC.test(text)) return text;
    // Hex digits other than an exponent's e: a hex token, not a number.
    if (/[a-dfA-DF]/.test(text)) return text;
  }
  return notSimple();
}

/** Offset of the first ':' in src[from, end), or -1: a search that never runs past the line. */
function colonIn(src: string, from: number, end: number): number {
  for (let i = from; i < end; i++) if (src.charCodeAt(i) === 58) return i;
  return -1;
}

class Reader {
  private i = 0;
  private depth = 0;
  readonly rootValueTokens = new Map<string, { start: number; end: number }>();
  private readonly src: string;
  private readonly lines: Line[];
  constructor(src: string, lines: Line[]) {
    this.src = src;
    this.lines = lines;
  }

  document(): Record<string, unknown> {
    const first = this.lines[0];
    if (first?.indent !== 0 || this.isSequenceItem(first)) notSimple();
    const data = this.mapping(0, true);
    if (this.i !== this.lines.length) notSimple();
    return data;
  }

  private isSequenceItem(line: Line): boolean {
    return this.src[line.start] === '-' && (line.start + 1 === line.end || this.src[line.start + 1] === ' ');
  }

  /** A block mapping whose keys start at `indent`; the current line may begin mid-line (after `- `). */
  private mapping(indent: number, root = false): Record<string, unknown> {
    if (++this.depth > MAX_DEPTH) notSimple();
    const out: Record<string, unknown> = {};
    while (this.i < this.lines.length) {
      const line = this.lines[this.i] as Line;
      if (line.indent < indent) break;
      if (line.indent > indent || this.isSequenceItem(line)) notSimple();
      const colon = colonIn(this.src, line.start, line.end);
      if (colon < 0) notSimple();
      const key = this.src.slice(line.start, colon);
      const after = this.src[colon + 1];
      if (
        key.length > 1024 ||
        !KEY.test(key) ||
        BOOL_OR_NULL_WORD.test(key) ||
        key === '__proto__' ||
        Object.hasOwn(out, key)
      ) {
        notSimple();
      }
      if (colon + 1 < line.end && after !== ' ') notSimple();
      const range = valueRange(this.src, colon + 1, line.end);
      this.i++;
      if (range.end > range.start) {
        const text = this.src.slice(range.start, range.end);
        out[key] = scalarValue(text);
        if (root) this.rootValueTokens.set(key, range);
        this.noContinuation(indent);
      } else {
        out[key] = this.nested(indent);
      }
    }
    this.depth--;
    return out;
  }

  /** The value under `key:` with nothing after it: a deeper block, a same-column sequence, or null. */
  private nested(parentIndent: number): unknown {
    const next = this.lines[this.i];
    if (!next) return null;
    if (next.indent > parentIndent) {
      return this.isSequenceItem(next) ? this.sequence(next.indent) : this.mapping(next.indent);
    }
    if (next.indent === parentIndent && this.isSequenceItem(next)) return this.sequence(parentIndent);
    return null;
  }

  private sequence(indent: number): unknown[] {
    if (++this.depth > MAX_DEPTH) notSimple();
    const out: unknown[] = [];
    while (this.i < this.lines.length) {
      const line = this.lines[this.i] as Line;
      if (line.indent !== indent || !this.isSequenceItem(line)) {
        if (line.indent > indent) notSimple();
        break;
      }
      let at = line.start + 1;
      while (at < line.end && this.src.charCodeAt(at) === 32) at++;
      if (at >= line.end || this.src[at] === '#') {
        if (at < line.end && this.src[at - 1] !== ' ') notSimple();
        this.i++;
        const next = this.lines[this.i];
        out.push(next && next.indent > indent ? this.nested(indent) : null);
        continue;
      }
      if (this.isSequenceItem({ indent: 0, start: at, end: line.end })) notSimple();
      const colon = colonIn(this.src, at, line.end);
      const isKey =
        colon > at && (colon + 1 === line.end || this.src[colon + 1] === ' ') && !`"'`.includes(this.src[at] as string);
      if (isKey) {
        // `- key: value`: a mapping whose keys line up with this first one.
        const column = indent + (at - line.start);
        this.lines[this.i] = { indent: column, start: at, end: line.end };
        out.push(this.mapping(column));
      } else {
        const range = valueRange(this.src, at, line.end);
        out.push(scalarValue(this.src.slice(range.start, range.end)));
        this.i++;
        this.noContinuation(indent);
      }
    }
    this.depth--;
    return out;
  }

  /** A deeper line right after a scalar would continue it (a multi-line plain scalar). */
  private noContinuation(indent: number): void {
    const next = this.lines[this.i];
    if (next && next.indent > indent) notSimple();
  }
}

/** Reads `src` when it is simple block YAML (see above); null when js-yaml must decide. */
export function readBlockYaml(src: string): BlockYamlDocument | null {
  try {
    const reader = new Reader(src, scanLines(src));
    const data = reader.document();
    return { data, rootValueTokens: reader.rootValueTokens };
  } catch (e) {
    if (e instanceof NotSimple) return null;
    throw e;
  }
}

/**
 * Whether `key: <text>` reads as the string `value` for every YAML parser; null when this reader
 * cannot tell (js-yaml must).
 */
export function blockScalarReadsAs(text: string, value: string): boolean | null {
  if (/[\r\n]/.test(text)) return null;
  const doc = readBlockYaml(`x: ${text}\n`);
  if (!doc) return null;
  return doc.data.x === value;
}
