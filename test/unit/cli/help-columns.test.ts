import { describe, expect, it } from 'vitest';
import { commands } from '../../../main/cli/commands/index.ts';
import { runCli } from '../../helpers/cli.ts';

/**
 * Every usage text lines its option descriptions up in one column, continuation lines included
 * (or one level deeper),
 * as `kubezt --help` does for the commands: read through the real CLI.
 */
const OPTION = /^ {2}(-[^\s,]+(?:, --\S+)?(?: [A-Z][\w.]*)?) {2,}(?=\S)/;

/** The column of each option's description, and the column of each continuation line. */
function columns(text: string): { options: number[]; continuations: { line: string; at: number }[] } {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => /^Options:$/.test(l));
  const options: number[] = [];
  const continuations: { line: string; at: number }[] = [];
  if (start === -1) return { options, continuations };
  for (const line of lines.slice(start + 1)) {
    if (line.trim() === '' || !line.startsWith(' ')) break;
    const m = OPTION.exec(line);
    if (m) options.push(m[0].length);
    else continuations.push({ line, at: line.length - line.trimStart().length });
  }
  return { options, continuations };
}

describe('help texts', () => {
  it('kubezt --help lists the commands in one column', async () => {
    const r = await runCli(['--help']);
    const rows = r.stdout.split('\n').filter((l) => commands.some((c) => l.startsWith(`  ${c.name} `)));
    expect(rows).toHaveLength(commands.length);
    const at = rows.map((l) => l.length - l.slice(2).replace(/^\S+\s+/, '').length);
    expect(new Set(at).size, rows.join('\n')).toBe(1);
  });

  it.each(commands.map((c) => c.name))('kubezt %s --help aligns its option column', async (name) => {
    const r = await runCli([name, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^Usage: kubezt ${name}\\b`));
    const { options, continuations } = columns(r.stdout);
    if (options.length === 0) return;
    expect(new Set(options).size, r.stdout).toBe(1);
    // A continuation starts in the column, or deeper by a level (the nested fields of a JSON shape).
    const column = options[0] as number;
    for (const c of continuations) {
      expect(c.at === column || c.at >= column + 2, `"${c.line}" in\n${r.stdout}`).toBe(true);
    }
  });
});
