import { fuzzyFilter } from '../../ipc/fuzzy.ts';

/**
 * The fuzzy picker of `kubezt use` with no NAME: a query line, a count, and the matching rows,
 * drawn full-screen on the terminal's alternate screen. The state, the key decoding and the
 * frame are pure functions over strings; runPicker wires them to a terminal (terminal.ts opens
 * and restores it). Matching is the dashboard's (ipc/fuzzy.ts), over name, context, group and IP.
 */

export interface PickerRow {
  /** What `kubezt use` switches to. */
  context: string;
  /** kubezt's cluster name for its contexts, else the kubeconfig cluster's name. */
  name: string;
  group: string;
  /** The API server's IP when its address is one; '' otherwise. */
  ip: string;
  current: boolean;
}

export type PickerKey =
  | { kind: 'text'; text: string }
  | { kind: 'up' | 'down' | 'pageUp' | 'pageDown' | 'enter' | 'cancel' | 'backspace' | 'clear' | 'deleteWord' };

export interface PickerState {
  query: string;
  /** Index into the matching rows. */
  selected: number;
  /** The first matching row on screen. */
  top: number;
}

export const INITIAL_STATE: PickerState = { query: '', selected: 0, top: 0 };

const SEQUENCES: Readonly<Record<string, PickerKey['kind']>> = {
  '\x1b[A': 'up',
  '\x1bOA': 'up',
  '\x1b[B': 'down',
  '\x1bOB': 'down',
  '\x1b[5~': 'pageUp',
  '\x1b[6~': 'pageDown',
};

const CONTROLS: Readonly<Record<string, PickerKey['kind']>> = {
  '\r': 'enter',
  '\n': 'enter',
  '\x03': 'cancel', // Ctrl-C (raw mode: a byte, not SIGINT)
  '\x04': 'cancel', // Ctrl-D
  '\x07': 'cancel', // Ctrl-G
  '\x0e': 'down', // Ctrl-N
  '\x10': 'up', // Ctrl-P
  '\x7f': 'backspace',
  '\b': 'backspace',
  '\x15': 'clear', // Ctrl-U
  '\x17': 'deleteWord', // Ctrl-W
};

// A CSI (ESC [ params final) or SS3 (ESC O final) sequence, as terminals send for arrows and keys.
// biome-ignore lint/complexity/useRegexLiterals: as a literal, ESC is a control character the linter refuses.
const ESCAPE_SEQUENCE = new RegExp(String.raw`^\x1b(?:\[[0-9;?]*[@-~]|O[@-~])`);

// The start of an escape sequence that more bytes may still complete: ESC, ESC [ params, ESC O.
// biome-ignore lint/complexity/useRegexLiterals: as a literal, ESC is a control character the linter refuses.
const UNFINISHED_ESCAPE = new RegExp(String.raw`\x1b(?:\[[0-9;?]*|O)?$`);

/**
 * How long a trailing ESC waits for the rest of its sequence before it counts as the Esc key. A
 * terminal writes an arrow's three bytes at once, but a pty read, ssh or tmux can split them; an
 * Esc that cancelled at once would turn such a split arrow into a cancel. 50 ms is tcell's wait.
 */
export const ESCAPE_WAIT_MS = 50;

/**
 * The keys in terminal input, with an unfinished escape sequence at its end held back as
 * `pending` (to be prefixed to the next chunk, or flushed with parseKeys when no more comes).
 */
export function decodeInput(input: string): { keys: PickerKey[]; pending: string } {
  const tail = UNFINISHED_ESCAPE.exec(input)?.[0] ?? '';
  return { keys: parseKeys(input.slice(0, input.length - tail.length)), pending: tail };
}

/** The keys in complete terminal input. A lone Esc (not starting a sequence) cancels. */
export function parseKeys(chunk: string): PickerKey[] {
  const keys: PickerKey[] = [];
  let i = 0;
  while (i < chunk.length) {
    const ch = chunk[i] as string;
    if (ch === '\x1b') {
      const seq = ESCAPE_SEQUENCE.exec(chunk.slice(i))?.[0];
      if (!seq) {
        keys.push({ kind: 'cancel' });
        i += 1;
        continue;
      }
      const kind = SEQUENCES[seq];
      if (kind) keys.push({ kind } as PickerKey);
      i += seq.length;
      continue;
    }
    const control = CONTROLS[ch];
    if (control) keys.push({ kind: control } as PickerKey);
    else if (ch >= ' ') {
      const last = keys[keys.length - 1];
      if (last?.kind === 'text') last.text += ch;
      else keys.push({ kind: 'text', text: ch });
    }
    i += 1;
  }
  return keys;
}

export function matchRows(rows: readonly PickerRow[], query: string): PickerRow[] {
  return fuzzyFilter(rows, query, (r) => [r.name, r.context, r.group, r.ip]);
}

export type StepResult = { state: PickerState } | { picked: PickerRow } | { cancelled: true };

/** One key applied; `pageSize` is how many rows fit on screen. */
export function step(state: PickerState, key: PickerKey, rows: readonly PickerRow[], pageSize: number): StepResult {
  // Only moves and Enter need the matches: a typed key filters again when the frame is drawn.
  const last = () => Math.max(0, matchRows(rows, state.query).length - 1);
  const move = (selected: number): StepResult => ({ state: scrolled({ ...state, selected }, pageSize) });
  const query = (text: string): StepResult => ({ state: { query: text, selected: 0, top: 0 } });
  switch (key.kind) {
    case 'text':
      return query(state.query + key.text);
    case 'backspace':
      return query(state.query.slice(0, -1));
    case 'clear':
      return query('');
    case 'deleteWord':
      return query(state.query.replace(/\S*\s*$/, ''));
    case 'up':
      return move(Math.max(0, state.selected - 1));
    case 'down':
      return move(Math.min(last(), state.selected + 1));
    case 'pageUp':
      return move(Math.max(0, state.selected - pageSize));
    case 'pageDown':
      return move(Math.min(last(), state.selected + pageSize));
    case 'cancel':
      return { cancelled: true };
    case 'enter': {
      const row = matchRows(rows, state.query)[state.selected];
      return row ? { picked: row } : { state };
    }
  }
}

function scrolled(state: PickerState, pageSize: number): PickerState {
  const top = Math.min(state.selected, Math.max(state.top, state.selected - pageSize + 1));
  return { ...state, top: Math.max(0, top) };
}

/** Lines above the rows: the query, the count with the keys, the column titles. */
export const HEADER_LINES = 3;

export function pageSizeFor(size: { rows: number }): number {
  return Math.max(1, size.rows - HEADER_LINES);
}

const COLUMN_CAP = 40;

export interface Columns {
  name: number;
  context: number;
  group: number;
}

export function columnsFor(rows: readonly PickerRow[]): Columns {
  const width = (f: (r: PickerRow) => string, title: string) =>
    Math.min(COLUMN_CAP, Math.max(title.length, ...rows.map((r) => f(r).length)));
  return {
    name: width((r) => r.name, 'NAME'),
    context: width((r) => r.context, 'CONTEXT'),
    group: width((r) => r.group, 'GROUP'),
  };
}

function cell(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width);
}

function clip(line: string, columns: number): string {
  return line.length > columns ? line.slice(0, Math.max(0, columns)) : line;
}

function rowText(r: PickerRow, cols: Columns): string {
  return `${cell(r.name, cols.name)}  ${cell(r.context, cols.context)}  ${cell(r.group, cols.group)}  ${r.ip}`;
}

/**
 * One full frame: home, every line cleared to its end, the rest of the screen cleared, and the
 * cursor left after the query. `*` marks kubectl's current context, `>` and reverse video the
 * selected row.
 */
export function renderFrame(
  state: PickerState,
  rows: readonly PickerRow[],
  size: { columns: number; rows: number },
  cols: Columns = columnsFor(rows),
): string {
  const matches = matchRows(rows, state.query);
  const page = pageSizeFor(size);
  const lines = [
    clip(`> ${state.query}`, size.columns),
    `\x1b[2m${clip(`  ${matches.length}/${rows.length}  ↑↓ Ctrl-N/P move · Enter switch · Esc cancel`, size.columns)}\x1b[0m`,
    `\x1b[2m${clip(`    ${rowText({ name: 'NAME', context: 'CONTEXT', group: 'GROUP', ip: 'IP', current: false }, cols)}`, size.columns)}\x1b[0m`,
  ];
  for (let i = state.top; i < Math.min(matches.length, state.top + page); i++) {
    const r = matches[i] as PickerRow;
    const selected = i === state.selected;
    const text = clip(`${selected ? '>' : ' '} ${r.current ? '*' : ' '} ${rowText(r, cols)}`, size.columns);
    lines.push(selected ? `\x1b[7m${text}\x1b[0m` : text);
  }
  const cursorColumn = Math.min(size.columns, 3 + state.query.length);
  return `\x1b[?25l\x1b[H${lines.map((l) => `${l}\x1b[K`).join('\r\n')}\x1b[J\x1b[1;${cursorColumn}H\x1b[?25h`;
}

/** What runPicker needs of a terminal (terminal.ts). */
export interface PickerIO {
  write(text: string): void;
  size(): { columns: number; rows: number };
  /** Subscribes to input chunks, the end of input and resizes; returns the unsubscribe. */
  listen(handlers: { data(chunk: string): void; end(): void; resize(): void }): () => void;
  /** Runs `fire` once after `ms` unless the returned function cancels it first. */
  wait(ms: number, fire: () => void): () => void;
}

/**
 * Runs the picker until a row is picked (returned) or it is cancelled (null): by a key, by the
 * end of input, or by `stop` (a signal the command received).
 */
export function runPicker(rows: readonly PickerRow[], io: PickerIO, stop?: AbortSignal): Promise<PickerRow | null> {
  const cols = columnsFor(rows);
  return new Promise((resolve) => {
    let state = INITIAL_STATE;
    let pending = '';
    let cancelWait = () => {};
    let done = false;
    const draw = () => io.write(renderFrame(state, rows, io.size(), cols));
    let unlisten = () => {};
    const finish = (row: PickerRow | null) => {
      if (done) return;
      done = true;
      cancelWait();
      unlisten();
      stop?.removeEventListener('abort', onAbort);
      resolve(row);
    };
    const onAbort = () => finish(null);
    /** Applies the keys; false once the picker has finished. */
    const apply = (keys: PickerKey[]): boolean => {
      for (const key of keys) {
        const r = step(state, key, rows, pageSizeFor(io.size()));
        if ('state' in r) {
          state = r.state;
          continue;
        }
        finish('picked' in r ? r.picked : null);
        return false;
      }
      return true;
    };
    unlisten = io.listen({
      data(chunk) {
        cancelWait();
        const decoded = decodeInput(pending + chunk);
        pending = decoded.pending;
        if (!apply(decoded.keys)) return;
        if (pending) {
          cancelWait = io.wait(ESCAPE_WAIT_MS, () => {
            const flushed = parseKeys(pending);
            pending = '';
            if (apply(flushed)) draw();
          });
        }
        draw();
      },
      end: () => finish(null),
      resize: draw,
    });
    if (stop?.aborted) return finish(null);
    stop?.addEventListener('abort', onAbort);
    draw();
  });
}
