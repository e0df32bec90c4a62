/**
 * The cmd.exe command line for a `.cmd`/`.bat` exec plugin, checked against a model of how
 * cmd.exe reads it (`/s /c` quote stripping, percent expansion, then quotes and operators) and of
 * how the plugin's C runtime splits it back into arguments. Windows is not available here; the
 * model follows the documented rules (ss64 "cmd", the dbenham parsing rules, the UCRT argv rules).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { batchCommandLine, planSpawn, quoteForCmd, UnsafeArgumentError } from '../../../main/core/probe/win-cmd.ts';

/** cmd's phase 1 in command-line mode, with every variable defined (the worst case) except a substring of cd. */
function expandPercent(line: string): string {
  let out = '';
  let i = 0;
  while (i < line.length) {
    const ch = line[i] as string;
    if (ch !== '%') {
      out += ch;
      i++;
      continue;
    }
    const close = line.indexOf('%', i + 1);
    if (close < 0) {
      out += line.slice(i);
      break;
    }
    const name = line.slice(i + 1, close);
    if (name === '') {
      // Not a variable: the % stays and parsing goes on at the next one.
      out += '%';
      i++;
      continue;
    }
    out += name === 'cd:~,' ? '' : '<EXPANDED>';
    i = close + 1;
  }
  return out;
}

/** cmd's phase 2: operators outside quotes end the command. Returns the first one found outside quotes. */
function operatorOutsideQuotes(line: string): string | null {
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i] as string;
    if (ch === '"') quoted = !quoted;
    else if (!quoted && '&|<>()^'.includes(ch)) return ch;
  }
  return null;
}

/** How the plugin's C runtime (UCRT) splits its command line into argv. */
function crtArgv(line: string): string[] {
  const args: string[] = [];
  let i = 0;
  while (i < line.length) {
    while (line[i] === ' ' || line[i] === '\t') i++;
    if (i >= line.length) break;
    let arg = '';
    let quoted = false;
    for (; i < line.length; i++) {
      const ch = line[i] as string;
      if (!quoted && (ch === ' ' || ch === '\t')) break;
      if (ch === '\\') {
        let n = 0;
        while (line[i + n] === '\\') n++;
        if (line[i + n] === '"') {
          arg += '\\'.repeat(Math.floor(n / 2));
          i += n;
          if (n % 2 === 1) {
            arg += '"';
            continue;
          }
          i--; // the quote is read next
          continue;
        }
        arg += '\\'.repeat(n);
        i += n - 1;
        continue;
      }
      if (ch === '"') {
        if (quoted && line[i + 1] === '"') {
          arg += '"';
          i++;
          continue;
        }
        quoted = !quoted;
        continue;
      }
      arg += ch;
    }
    args.push(arg);
  }
  return args;
}

/** What cmd.exe does with `cmd /d /e:ON /v:OFF /s /c "<line>"`, then what the batch's program sees. */
function throughCmd(commandArg: string): { operator: string | null; expanded: string; argv: string[] } {
  expect(commandArg.startsWith('"') && commandArg.endsWith('"')).toBe(true);
  const stripped = commandArg.slice(1, -1); // /s
  const expanded = expandPercent(stripped);
  return { operator: operatorOutsideQuotes(expanded), expanded, argv: crtArgv(expanded) };
}

const SCRIPT = 'C:\\Program Files\\acme\\get-token.cmd';

const HOSTILE = [
  '&calc',
  'a|b',
  '^',
  '^^&',
  '%PATH%',
  '%%',
  '%cd%',
  '"quoted"',
  'with space',
  'a"&calc&"b',
  '" & calc & "',
  'trailing\\',
  'back\\"slash',
  'two\\\\"x',
  '',
  '!USERNAME!',
  '(x)',
  '<in',
  '>out',
  'ünïcode ✓',
  '--server-id=https://a.example/?x=1&y=2',
];

describe('cmd.exe quoting for batch-file exec plugins', () => {
  it('quotes each hostile argument so that cmd runs nothing, expands nothing, and the plugin gets it back unchanged', () => {
    const line = batchCommandLine(SCRIPT, HOSTILE);
    const seen = throughCmd(line);
    expect(seen.operator).toBeNull();
    expect(seen.expanded).not.toContain('<EXPANDED>');
    expect(seen.argv).toEqual([SCRIPT, ...HOSTILE]);
  });

  it('writes the exact line for a few arguments', () => {
    expect(quoteForCmd('plain-arg_1.0')).toBe('plain-arg_1.0');
    expect(quoteForCmd('')).toBe('""');
    expect(quoteForCmd('a b')).toBe('"a b"');
    expect(quoteForCmd('a&b')).toBe('"a&b"');
    expect(quoteForCmd('say "hi"')).toBe('"say ""hi"""');
    expect(quoteForCmd('%PATH%')).toBe('"%%cd:~,%PATH%%cd:~,%"');
    expect(quoteForCmd('dir\\')).toBe('"dir\\\\"');
    expect(quoteForCmd('x\\"y')).toBe('"x\\\\""y"');
    expect(batchCommandLine('C:\\p\\x.cmd', ['a b', 'c'])).toBe('""C:\\p\\x.cmd" "a b" c"');
  });

  it('refuses arguments cmd.exe cannot carry: line breaks and NUL', () => {
    for (const bad of ['a\nb', 'a\r\nb', '\n', 'x\r', 'nul\0']) {
      expect(() => batchCommandLine(SCRIPT, ['ok', bad])).toThrow(UnsafeArgumentError);
      expect(() => batchCommandLine(SCRIPT, ['ok', bad])).toThrow(/argument 2 contains a line break or NUL/);
    }
    expect(() => batchCommandLine('C:\\a"b.cmd', [])).toThrow(UnsafeArgumentError);
    expect(() => batchCommandLine('C:\\dir\\', [])).toThrow(UnsafeArgumentError);
  });

  it('holds for any argument: refused exactly when it has a line break or NUL, else carried intact', () => {
    const chars = fc.constantFrom(...'ab \\"%&|^<>()!,;=\t\r\n\0é'.split(''));
    fc.assert(
      fc.property(fc.array(fc.string({ unit: chars, maxLength: 12 }), { maxLength: 5 }), (args) => {
        const unsafe = args.some((a) => /[\r\n\0]/.test(a));
        if (unsafe) {
          expect(() => batchCommandLine(SCRIPT, args)).toThrow(UnsafeArgumentError);
          return;
        }
        const seen = throughCmd(batchCommandLine(SCRIPT, args));
        expect(seen.operator).toBeNull();
        expect(seen.expanded).not.toContain('<EXPANDED>');
        expect(seen.argv).toEqual([SCRIPT, ...args]);
      }),
      { seed: 20260311, numRuns: 2_000 },
    );
  });
});

describe('how an exec plugin is started', () => {
  const exists = (files: string[]) => async (p: string) => files.includes(p);

  it('on win32 runs a batch file through cmd.exe with the quoted line, verbatim', async () => {
    const plan = await planSpawn('C:\\tools\\login.cmd', ['get-token', 'a&b'], {
      platform: 'win32',
      env: { ComSpec: 'C:\\Windows\\system32\\cmd.exe' },
      exists: exists([]),
    });
    expect(plan).toEqual({
      command: 'C:\\Windows\\system32\\cmd.exe',
      args: ['/d', '/e:ON', '/v:OFF', '/s', '/c', '""C:\\tools\\login.cmd" get-token "a&b""'],
      windowsVerbatimArguments: true,
    });
  });

  it('on win32 finds `az` as az.cmd through PATH and PATHEXT, as client-go does', async () => {
    const plan = await planSpawn('az', ['account', 'get-access-token'], {
      platform: 'win32',
      env: { PATH: '/opt/none;/opt/azure/bin', PATHEXT: '.COM;.EXE;.BAT;.CMD' },
      exists: exists(['/opt/azure/bin/az.cmd']),
    });
    expect(plan.command).toMatch(/cmd\.exe$/);
    expect(plan.args.at(-1)).toBe('""/opt/azure/bin/az.cmd" account get-access-token"');
    const exe = await planSpawn('kubelogin', ['get-token'], {
      platform: 'win32',
      env: { PATH: '/opt/k' },
      exists: exists(['/opt/k/kubelogin.exe']),
    });
    expect(exe).toEqual({ command: '/opt/k/kubelogin.exe', args: ['get-token'] });
  });

  it('elsewhere runs the command as given, even one named .cmd', async () => {
    expect(await planSpawn('/usr/bin/x.cmd', ['a&b'], { platform: 'linux', env: {} })).toEqual({
      command: '/usr/bin/x.cmd',
      args: ['a&b'],
    });
  });
});
