import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ACCEPTED_46K,
  aliasFanCatalog,
  aliasGroupsKubeconfig,
  billionLaughs,
  heavyAliasCatalog,
  REFUSED_46K,
} from '../../../bench/hostile/generate.ts';
import { isUserError } from '../../../main/core/errors.ts';
import { parseKubeconfigFile } from '../../../main/core/kubeconfig/parse.ts';
import { readMergedKubeconfig } from '../../../main/core/kubeconfig/read-full.ts';

/**
 * The hostile files through the real CLI (`node bin/kubezt.js`, a child process) and the real
 * kubectl: kubezt refuses exactly the aliasing kubectl refuses, in one sentence with exit 2 and
 * the file untouched, and reads the rest as kubectl does.
 */

const ROOT = path.resolve(import.meta.dirname, '../../..');
const NODE = path.join(ROOT, 'node_modules', '.bin', 'node');
const BIN = path.join(ROOT, 'bin', 'kubezt.js');
const KUBECTL = process.env.KUBECTL ?? '/usr/bin/kubectl';
const run = promisify(execFile);

let work: string;
beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), 'kubezt-hostile-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function kubezt(args: string[], env: Record<string, string> = {}) {
  const home = path.join(work, 'home');
  try {
    const r = await run(NODE, [BIN, ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: home, XDG_CONFIG_HOME: path.join(home, '.config'), ...env },
      encoding: 'utf8',
    });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: err.code ?? -1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

async function kubectl(file: string, ...args: string[]) {
  try {
    const r = await run(KUBECTL, ['--kubeconfig', file, ...args], { encoding: 'utf8' });
    return { ok: true, out: r.stdout, err: '' };
  } catch (e) {
    return { ok: false, out: '', err: (e as { stderr?: string }).stderr ?? '' };
  }
}

function write(name: string, text: string): string {
  const file = path.join(work, name);
  writeFileSync(file, text);
  return file;
}

const hasKubectl = existsSync(KUBECTL);
if (!hasKubectl) console.log(`hostile CLI tests skipped: no kubectl at ${KUBECTL}`);

describe.skipIf(!hasKubectl)('the reported 46 KB kubeconfig through the CLI and kubectl', () => {
  it('the one kubectl accepts: `kubezt use` switches, and kubectl reads the result', async () => {
    const file = write(
      'accepted.yaml',
      aliasGroupsKubeconfig(ACCEPTED_46K.users, ACCEPTED_46K.groups, ACCEPTED_46K.pad),
    );
    expect((await kubectl(file, 'config', 'current-context')).out.trim()).toBe('ctx-0');
    const r = await kubezt(['use', 'ctx-7', '--kubeconfig', file]);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toBe(`Switched to context "ctx-7" in ${file}.\n`);
    expect((await kubectl(file, 'config', 'current-context')).out.trim()).toBe('ctx-7');
  });

  it('the one kubectl refuses: exit 2, one sentence, the file byte for byte as it was', async () => {
    const text = aliasGroupsKubeconfig(REFUSED_46K.users, REFUSED_46K.groups, REFUSED_46K.pad);
    const file = write('refused.yaml', text);
    expect((await kubectl(file, 'config', 'current-context')).err).toMatch(/document contains excessive aliasing/);
    const r = await kubezt(['use', 'ctx-1', '--kubeconfig', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^kubezt: Cannot use the kubeconfig .*refused\.yaml: its YAML aliases expand it far beyond its own size, which kubectl refuses \("document contains excessive aliasing"\) at line \d+, column \d+; use fewer aliases \(kubezt did not change the file\)\.\n$/,
    );
    expect(readFileSync(file, 'utf8')).toBe(text);
  });

  it.skipIf(!existsSync('/dev/zero'))('a kubeconfig that never ends is refused at the cap', async () => {
    const r = await kubezt(['use', 'x', '--kubeconfig', '/dev/zero']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      "kubezt: The kubeconfig /dev/zero is larger than 16 MiB, kubezt's limit; split it into several files listed in KUBECONFIG (kubezt did not change it).\n",
    );
  });
});

describe.skipIf(!hasKubectl)('kubectl parity on aliasing', () => {
  /** Whether the full parser refuses the text for excessive aliasing. */
  const kubeztRefuses = (text: string) => {
    try {
      parseKubeconfigFile({ path: 'x', bytes: text }, 0);
      return false;
    } catch (e) {
      if (!isUserError(e)) throw e;
      return /excessive aliasing/.test(e.message);
    }
  };
  const kubectlRefuses = async (text: string) =>
    /excessive aliasing/.test((await kubectl(write('parity.yaml', text), 'config', 'view', '-o', 'name')).err);

  /** The smallest n in (lo, hi] at which `refuses` turns true (refuses(lo) false, refuses(hi) true). */
  async function flip(make: (n: number) => string, lo: number, hi: number, refuses: (t: string) => unknown) {
    let [a, b] = [lo, hi];
    while (b - a > 1) {
      const mid = (a + b) >> 1;
      if (await refuses(make(mid))) b = mid;
      else a = mid;
    }
    return b;
  }

  const families: [string, (n: number) => string, number, number][] = [
    ['users of one aliased group list', (n) => aliasGroupsKubeconfig(n, 250, n), 100, 3000],
    ['the size of the aliased group list', (n) => aliasGroupsKubeconfig(300, n, 0), 10, 2000],
    ['the fan of nested lists of aliases', (n) => billionLaughs(3, n, 'apiVersion: v1\n'), 2, 60],
  ];
  it.each(families)('kubezt starts refusing at the same size as kubectl: %s', async (_name, make, lo, hi) => {
    expect(await kubectlRefuses(make(lo))).toBe(false);
    expect(await kubectlRefuses(make(hi))).toBe(true);
    const atKubectl = await flip(make, lo, hi, kubectlRefuses);
    expect(await flip(make, lo, hi, kubeztRefuses)).toBe(atKubectl);
  });

  it('values set through << merge keys read as kubectl reads them', async () => {
    const text = [
      'apiVersion: v1',
      'kind: Config',
      'x: &m {cluster: merged, user: mu}',
      'y: &n {cluster: second, namespace: ns2}',
      'contexts:',
      '- name: a',
      '  context: {cluster: explicit, <<: *m}',
      '- name: b',
      '  context: {<<: *m, cluster: explicit}',
      '- name: c',
      '  context: {<<: [*n, *m]}',
      '',
    ].join('\n');
    const file = write('merge.yaml', text);
    const view = await kubectl(
      file,
      'config',
      'view',
      '-o',
      'jsonpath={range .contexts[*]}{.name}={.context.cluster}/{.context.user}/{.context.namespace} {end}',
    );
    const ours = readMergedKubeconfig([{ path: file, bytes: text }])
      .contexts.map((c) => `${c.name}=${c.cluster}/${c.user}/${c.namespace ?? ''} `)
      .join('');
    expect(ours).toBe(view.out);
    expect(ours).toBe('a=merged/mu/ b=explicit/mu/ c=second/mu/ns2 ');
  });
});

describe('the reported catalog through the CLI', () => {
  it('the 80 KB catalog of aliases is listed as invalid in one sentence (exit 2)', async () => {
    const file = write('catalog.yaml', aliasFanCatalog(20_000));
    const r = await kubezt(['clusters'], { KUBEZT_CATALOG: file });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `kubezt: ${file} line 1: unknown key "base" at the top level; allowed keys are defaults, clusters (19999 more problems in this file).\n`,
    );
  });

  it('past the alias cap, the sentence names the cap', async () => {
    const file = write('heavy.yaml', heavyAliasCatalog(3_000));
    const r = await kubezt(['clusters'], { KUBEZT_CATALOG: file });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `kubezt: ${file} line 2: the YAML aliases repeat more than 4 MiB of content, kubezt's limit for a catalog; use fewer aliases.\n`,
    );
  });
});
