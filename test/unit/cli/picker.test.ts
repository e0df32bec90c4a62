import { describe, expect, it } from 'vitest';
import {
  decodeInput,
  ESCAPE_WAIT_MS,
  INITIAL_STATE,
  type PickerIO,
  type PickerRow,
  type PickerState,
  parseKeys,
  renderFrame,
  runPicker,
  type StepResult,
  step,
} from '../../../main/cli/picker.ts';

const row = (context: string, name = context, current = false): PickerRow => ({
  context,
  name,
  group: name.split('-')[0] ?? name,
  ip: '',
  current,
});
const ROWS = Array.from({ length: 30 }, (_, i) => row(`zt-c${i}`, `c${i}-x`));

function stateOf(r: StepResult): PickerState {
  if (!('state' in r)) throw new Error(`expected a state, got ${JSON.stringify(r)}`);
  return r.state;
}

describe('parseKeys', () => {
  it('decodes arrows (CSI and SS3), Ctrl-N/P, Enter, Esc, Ctrl-C, editing keys and text runs', () => {
    expect(parseKeys('ab\x1b[A\x1bOB\x0e\x10\r')).toEqual([
      { kind: 'text', text: 'ab' },
      { kind: 'up' },
      { kind: 'down' },
      { kind: 'down' },
      { kind: 'up' },
      { kind: 'enter' },
    ]);
    expect(parseKeys('\x1b')).toEqual([{ kind: 'cancel' }]);
    expect(parseKeys('\x03')).toEqual([{ kind: 'cancel' }]);
    expect(parseKeys('\x7f\x15\x17\x1b[5~\x1b[6~')).toEqual([
      { kind: 'backspace' },
      { kind: 'clear' },
      { kind: 'deleteWord' },
      { kind: 'pageUp' },
      { kind: 'pageDown' },
    ]);
    // Unknown sequences (F-keys, Home) and other control bytes are ignored, not typed.
    expect(parseKeys('\x1b[15~\x1b[H\x01x')).toEqual([{ kind: 'text', text: 'x' }]);
  });
});

describe('decodeInput', () => {
  it('holds back an escape sequence cut off at the end of the input, and nothing else', () => {
    expect(decodeInput('ab\x1b')).toEqual({ keys: [{ kind: 'text', text: 'ab' }], pending: '\x1b' });
    expect(decodeInput('\x1b[')).toEqual({ keys: [], pending: '\x1b[' });
    expect(decodeInput('\x1b[1;')).toEqual({ keys: [], pending: '\x1b[1;' });
    expect(decodeInput('\x1bO')).toEqual({ keys: [], pending: '\x1bO' });
    expect(decodeInput('\x1b[A')).toEqual({ keys: [{ kind: 'up' }], pending: '' });
    // An Esc followed by more input is the key itself.
    expect(decodeInput('\x1bx')).toEqual({ keys: [{ kind: 'cancel' }, { kind: 'text', text: 'x' }], pending: '' });
  });
});

describe('step', () => {
  it('filters on typing (selection back to the top), edits the query, and picks the selected match', () => {
    let s = stateOf(step(INITIAL_STATE, { kind: 'text', text: 'c2' }, ROWS, 5));
    expect(s).toEqual({ query: 'c2', selected: 0, top: 0 });
    s = stateOf(step(s, { kind: 'down' }, ROWS, 5));
    expect(step(s, { kind: 'enter' }, ROWS, 5)).toEqual({ picked: ROWS[20] });
    expect(stateOf(step(s, { kind: 'backspace' }, ROWS, 5)).query).toBe('c');
    expect(stateOf(step({ ...s, query: 'a b' }, { kind: 'deleteWord' }, ROWS, 5)).query).toBe('a ');
    expect(stateOf(step(s, { kind: 'clear' }, ROWS, 5)).query).toBe('');
    expect(step(s, { kind: 'cancel' }, ROWS, 5)).toEqual({ cancelled: true });
  });

  it('keeps the selection inside the matches and on screen when moving and paging', () => {
    let s = stateOf(step(INITIAL_STATE, { kind: 'up' }, ROWS, 5));
    expect(s.selected).toBe(0);
    for (let i = 0; i < 7; i++) s = stateOf(step(s, { kind: 'down' }, ROWS, 5));
    expect(s).toMatchObject({ selected: 7, top: 3 });
    s = stateOf(step(s, { kind: 'pageDown' }, ROWS, 5));
    expect(s).toMatchObject({ selected: 12, top: 8 });
    s = stateOf(step({ ...s, selected: 28 }, { kind: 'pageDown' }, ROWS, 5));
    expect(s.selected).toBe(29);
    s = stateOf(step(s, { kind: 'pageUp' }, ROWS, 5));
    expect(s).toMatchObject({ selected: 24, top: 24 });
  });

  it('Enter with no match picks nothing and keeps the picker open', () => {
    const s = { query: 'nothing-matches-this', selected: 0, top: 0 };
    expect(step(s, { kind: 'enter' }, ROWS, 5)).toEqual({ state: s });
  });
});

describe('renderFrame', () => {
  it('fits every line in the width and draws only the rows that fit', () => {
    const long = [row('a'.repeat(200), 'b'.repeat(200), true), ...ROWS];
    const frame = renderFrame(INITIAL_STATE, long, { columns: 50, rows: 8 });
    const lines = frame
      // biome-ignore lint/suspicious/noControlCharactersInRegex: the frame's escape sequences are removed.
      .replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '')
      .split('\r\n');
    expect(lines).toHaveLength(8);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(50);
    expect(lines[1]).toContain('31/31');
    expect(lines[3]).toMatch(/^> \* b+…/);
  });
});

/** A terminal whose input the test types and whose timers fire only when the test says so. */
function fakeTerminal() {
  const frames: string[] = [];
  let handlers: { data(c: string): void; end(): void; resize(): void } | undefined;
  const timers: { ms: number; fire(): void; cancelled: boolean }[] = [];
  let unsubscribed = false;
  const io: PickerIO = {
    write: (t) => frames.push(t),
    size: () => ({ columns: 80, rows: 10 }),
    listen(h) {
      handlers = h;
      return () => {
        unsubscribed = true;
      };
    },
    wait(ms, fire) {
      const timer = { ms, fire, cancelled: false };
      timers.push(timer);
      return () => {
        timer.cancelled = true;
      };
    },
  };
  return {
    io,
    frames,
    timers,
    type: (chunk: string) => handlers?.data(chunk),
    end: () => handlers?.end(),
    resize: () => handlers?.resize(),
    unsubscribed: () => unsubscribed,
  };
}

describe('runPicker', () => {
  it('an arrow split across two reads moves; it is not an Esc', async () => {
    const t = fakeTerminal();
    const picked = runPicker(ROWS, t.io);
    t.type('\x1b');
    expect(t.timers).toHaveLength(1);
    t.type('[B');
    expect(t.timers[0]?.cancelled).toBe(true);
    t.type('\r');
    expect(await picked).toEqual(ROWS[1]);
  });

  it(`a lone Esc cancels once no more input came within ${ESCAPE_WAIT_MS} ms`, async () => {
    const t = fakeTerminal();
    const picked = runPicker(ROWS, t.io);
    t.type('c2\x1b');
    expect(t.timers.map((x) => x.ms)).toEqual([ESCAPE_WAIT_MS]);
    t.timers[0]?.fire();
    expect(await picked).toBeNull();
    expect(t.unsubscribed()).toBe(true);
  });

  it('a stop signal cancels it, and one given already aborted never opens it', async () => {
    const t = fakeTerminal();
    const stop = new AbortController();
    const picked = runPicker(ROWS, t.io, stop.signal);
    stop.abort();
    expect(await picked).toBeNull();
    expect(t.unsubscribed()).toBe(true);
    const u = fakeTerminal();
    expect(await runPicker(ROWS, u.io, AbortSignal.abort())).toBeNull();
    expect(u.frames).toHaveLength(0);
  });

  it('draws, reads keys until a pick, unsubscribes, and resolves with the row', async () => {
    const t = fakeTerminal();
    const picked = runPicker(ROWS, t.io);
    expect(t.frames).toHaveLength(1);
    t.resize();
    t.type('c29');
    t.type('\r');
    expect(await picked).toEqual(ROWS[29]);
    expect(t.unsubscribed()).toBe(true);
    expect(t.frames).toHaveLength(3);
  });

  it('resolves null when input ends', async () => {
    const t = fakeTerminal();
    const picked = runPicker(ROWS, t.io);
    t.end();
    expect(await picked).toBeNull();
  });
});
