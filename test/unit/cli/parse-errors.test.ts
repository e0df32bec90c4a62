import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseErrorSentence } from '../../../main/cli/parse-errors.ts';
import { runCli } from '../../helpers/cli.ts';

const BIN = resolve(import.meta.dirname, '../../../bin/kubezt.js');

const options = {
  json: { type: 'boolean' },
  timeout: { type: 'string' },
  concurrency: { type: 'string' },
  kubeconfig: { type: 'string' },
} as const;

/** The sentence for what Node's real parseArgs throws on `args`. */
function sentenceFor(args: string[]): string {
  try {
    parseArgs({ args, options, strict: true, allowPositionals: false });
  } catch (e) {
    return parseErrorSentence('check', e as Error & { code?: string }, options, args);
  }
  throw new Error(`parseArgs accepted ${args.join(' ')}`);
}

describe('parse errors in kubezt voice', () => {
  it('names an unknown flag and suggests the near one', () => {
    expect(sentenceFor(['--jsno'])).toBe('"kubezt check" has no option --jsno; did you mean --json?');
    expect(sentenceFor(['--frobnicate'])).toBe(
      '"kubezt check" has no option --frobnicate; run "kubezt check --help" for its options.',
    );
  });

  it('says a negative number is not a count, naming the flag', () => {
    expect(sentenceFor(['--timeout', '-5'])).toBe(
      '--timeout must be a positive whole number, not "-5" ("kubezt check --help").',
    );
  });

  it('names a flag given without its value or with a value it does not take', () => {
    expect(sentenceFor(['--timeout'])).toBe(
      '--timeout needs a value, as in --timeout VALUE; run "kubezt check --help" for its options.',
    );
    expect(sentenceFor(['--json=yes'])).toBe('--json takes no value; write just --json ("kubezt check --help").');
    expect(sentenceFor(['--kubeconfig', '--json'])).toBe(
      '--kubeconfig needs a value, but "--json" looks like an option; if it is the value, write --kubeconfig=--json ("kubezt check --help").',
    );
  });

  it('names a stray argument', () => {
    expect(sentenceFor(['prod'])).toBe(
      '"kubezt check" takes no name or argument, but got "prod"; run "kubezt check --help" for its options.',
    );
  });

  it('is always one line without Node placeholders, whatever the arguments', () => {
    const token = fc.constantFrom('--json', '--timeout', '--concurrency', '-5', '--x', '-q', 'name', '--json=1');
    fc.assert(
      fc.property(fc.array(token, { minLength: 1, maxLength: 5 }), (args) => {
        let sentence: string | undefined;
        try {
          parseArgs({ args, options, strict: true, allowPositionals: false });
        } catch (e) {
          sentence = parseErrorSentence('check', e as Error & { code?: string }, options, args);
        }
        if (sentence === undefined) return;
        expect(sentence).not.toMatch(/\n|XYZ|Did you forget/);
        expect(sentence).toMatch(/kubezt check/);
      }),
    );
  });

  it('reaches the user through the CLI with exit 2', async () => {
    const r = await runCli(['check', '--timeout', '-5']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('kubezt: --timeout must be a positive whole number, not "-5" ("kubezt check --help").\n');
    // The launcher runs the bundle users run: the same sentence must come out of a real process.
    const p = await promisify(execFile)(process.execPath, [BIN, 'status', '--jsn'], { env: { PATH: '' } }).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => e,
    );
    expect(p.code).toBe(2);
    expect(p.stderr).toBe('kubezt: "kubezt status" has no option --jsn; did you mean --json?\n');
  });
});
