import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const FIXTURES = resolve(import.meta.dirname, '../../fixtures/warp');

/** A recorded command output: `NAME.stdout` and the optional `NAME.stderr`. */
export function recorded(dir: string, name: string): { stdout: string; stderr: string } {
  const base = join(FIXTURES, dir, name);
  if (!existsSync(`${base}.stdout`)) throw new Error(`no fixture ${dir}/${name}.stdout`);
  return {
    stdout: readFileSync(`${base}.stdout`, 'utf8'),
    stderr: existsSync(`${base}.stderr`) ? readFileSync(`${base}.stderr`, 'utf8') : '',
  };
}

export function fixtureText(dir: string, file: string): string {
  return readFileSync(join(FIXTURES, dir, file), 'utf8');
}

/** Every case name in a fixture folder, so a new recording cannot go untested. */
export function caseNames(dir: string): string[] {
  return [
    ...new Set(
      readdirSync(join(FIXTURES, dir))
        .filter((f) => f.endsWith('.stdout'))
        .map((f) => f.replace(/\.stdout$/, '')),
    ),
  ].sort();
}
