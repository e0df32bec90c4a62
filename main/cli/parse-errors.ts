import type { ParseArgsConfig } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;

interface ParseError {
  code?: string;
  message: string;
}

/**
 * Turns one of `util.parseArgs`'s errors into a sentence in kubezt's voice that names the flag and
 * the fix. Node's own text (three lines, "XYZ" placeholders) reads like a stack trace to a user.
 */
export function parseErrorSentence(
  command: string,
  error: ParseError,
  options: Options,
  args: readonly string[] = [],
): string {
  const help = `run "kubezt ${command} --help" for its options`;
  const flag = quotedFlag(error.message);
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && flag) {
    const near = nearestOption(flag, options);
    const hint = near ? `did you mean --${near}?` : `${help}.`;
    return `"kubezt ${command}" has no option ${flag}; ${hint}`;
  }
  if (error.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && flag) {
    return invalidValueSentence(command, flag, error.message, help, valueAfter(flag, args));
  }
  if (error.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
    const arg = /'([^']*)'/.exec(error.message)?.[1] ?? '';
    return `"kubezt ${command}" takes no name or argument, but got "${arg}"; ${help}.`;
  }
  return `${error.message.replace(/\s+/g, ' ').replace(/\.$/, '')} for "kubezt ${command}"; ${help}.`;
}

function invalidValueSentence(
  command: string,
  flag: string,
  message: string,
  help: string,
  value: string | undefined,
): string {
  if (/ambiguous/.test(message) && value !== undefined && /^-\d/.test(value)) {
    // Every numeric option of kubezt counts something (milliseconds, workers): none is negative.
    return `${flag} must be a positive whole number, not "${value}" ("kubezt ${command} --help").`;
  }
  if (/ambiguous/.test(message)) {
    const shown = value ?? 'VALUE';
    return `${flag} needs a value, but "${shown}" looks like an option; if it is the value, write ${flag}=${shown} ("kubezt ${command} --help").`;
  }
  if (/does not take an argument/.test(message)) {
    return `${flag} takes no value; write just ${flag} ("kubezt ${command} --help").`;
  }
  return `${flag} needs a value, as in ${flag} VALUE; ${help}.`;
}

function valueAfter(flag: string, args: readonly string[]): string | undefined {
  const at = args.indexOf(flag);
  return at >= 0 ? args[at + 1] : undefined;
}

/** The first `'--flag'` or `'-f'` in Node's message, without the `<value>` suffix. */
function quotedFlag(message: string): string | undefined {
  return /'(-{1,2}[^' <]+)/.exec(message)?.[1];
}

/** The declared long option closest to what was typed, when one is close enough to be a typo. */
function nearestOption(flag: string, options: Options): string | undefined {
  const typed = flag.replace(/^-+/, '');
  let best: { name: string; distance: number } | undefined;
  for (const name of Object.keys(options)) {
    const distance = editDistance(typed, name);
    if (!best || distance < best.distance) best = { name, distance };
  }
  return best && best.distance <= Math.max(1, Math.floor(typed.length / 3)) ? best.name : undefined;
}

/** Edit distance where swapping two neighbours counts as one typo, as `--jsno` for `--json`. */
function editDistance(a: string, b: string): number {
  const width = b.length + 1;
  const d = new Array<number>((a.length + 1) * width).fill(0);
  const at = (i: number, j: number): number => d[i * width + j] ?? 0;
  for (let i = 0; i <= a.length; i++) d[i * width] = i;
  for (let j = 0; j <= b.length; j++) d[j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, at(i - 2, j - 2) + 1);
      d[i * width + j] = best;
    }
  }
  return at(a.length, b.length);
}
