/**
 * Source files and functions by size, for the size rule in test/unit/architecture.test.ts: no
 * source file over 500 lines and no function over 150 lines in main/, renderer/, ipc/ and
 * preload/. A function's lines are counted from its first to its last line, so a function that
 * holds another is measured with it: a 629-line closure is one 629-line function, whatever it
 * declares inside.
 *
 *   node scripts/code-size.ts [--top N]
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseAst } from 'rolldown/parseAst';

export const SIZE_ROOTS = ['main', 'renderer', 'ipc', 'preload'] as const;
export const MAX_FILE_LINES = 500;
export const MAX_FUNCTION_LINES = 150;

export interface SizedFunction {
  file: string;
  name: string;
  line: number;
  lines: number;
}

const SOURCE = /\.(?:ts|tsx)$/;

export function sourceFiles(root: string, dirs: readonly string[] = SIZE_ROOTS): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules' && !entry.name.startsWith('.')) walk(full);
      } else if (SOURCE.test(entry.name) && !entry.name.endsWith('.d.ts')) {
        out.push(path.relative(root, full));
      }
    }
  };
  for (const d of dirs) walk(path.join(root, d));
  return out.sort();
}

export function lineCount(text: string): number {
  return text.endsWith('\n') ? text.split('\n').length - 1 : text.split('\n').length;
}

type Node = { type?: string; start?: number; end?: number; [key: string]: unknown };

const FUNCTION_TYPES = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression']);

/** Every function in the file with its line span; names come from the declaration or its binding. */
export function functionsIn(file: string, text: string): SizedFunction[] {
  const program = parseAst(text, { lang: file.endsWith('.tsx') ? 'tsx' : 'ts' }, file) as unknown as Node;
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') lineStarts.push(i + 1);
  const lineOf = (offset: number) => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((lineStarts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
  const found: SizedFunction[] = [];
  const visit = (node: unknown, name: string) => {
    if (Array.isArray(node)) {
      for (const child of node) visit(child, name);
      return;
    }
    if (!node || typeof node !== 'object') return;
    const n = node as Node;
    let here = name;
    if (n.type === 'VariableDeclarator' || n.type === 'Property' || n.type === 'MethodDefinition') {
      const key = (n.id ?? n.key) as Node | undefined;
      if (key && typeof key.name === 'string') here = key.name;
    }
    if (n.type && FUNCTION_TYPES.has(n.type) && typeof n.start === 'number' && typeof n.end === 'number') {
      const id = n.id as Node | undefined;
      const fnName = id && typeof id.name === 'string' ? id.name : here || '(anonymous)';
      const first = lineOf(n.start);
      found.push({ file, name: fnName, line: first, lines: lineOf(n.end) - first + 1 });
      here = fnName;
    }
    for (const [key, value] of Object.entries(n)) {
      if (key !== 'type' && key !== 'start' && key !== 'end' && value && typeof value === 'object') visit(value, here);
    }
  };
  visit(program, '');
  return found;
}

export interface SizeReport {
  files: { file: string; lines: number }[];
  functions: SizedFunction[];
}

export function measure(root: string, dirs: readonly string[] = SIZE_ROOTS): SizeReport {
  const files: SizeReport['files'] = [];
  const functions: SizedFunction[] = [];
  for (const file of sourceFiles(root, dirs)) {
    const text = readFileSync(path.join(root, file), 'utf8');
    files.push({ file, lines: lineCount(text) });
    functions.push(...functionsIn(file, text));
  }
  files.sort((a, b) => b.lines - a.lines);
  functions.sort((a, b) => b.lines - a.lines);
  return { files, functions };
}

if (import.meta.main) {
  const topIndex = process.argv.indexOf('--top');
  const top = topIndex > 0 ? Number(process.argv[topIndex + 1]) : 15;
  const report = measure(path.resolve(import.meta.dirname, '..'));
  console.log(`Largest files (limit ${MAX_FILE_LINES} lines):`);
  for (const f of report.files.slice(0, top)) console.log(`  ${String(f.lines).padStart(5)}  ${f.file}`);
  console.log(`Largest functions (limit ${MAX_FUNCTION_LINES} lines):`);
  for (const f of report.functions.slice(0, top)) {
    console.log(`  ${String(f.lines).padStart(5)}  ${f.file}:${f.line} ${f.name}`);
  }
}
