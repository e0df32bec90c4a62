/**
 * The use-context use case's pre-write step (where a virtual-network switch runs): it sees the
 * resolved context before anything is written, and when it fails nothing is written.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UserError } from '../../../main/core/errors.ts';
import { type ContextSwitch, runUseContext } from '../../../main/usecases/use-context.ts';

const CONFIG = `apiVersion: v1
kind: Config
current-context: home
clusters:
- name: home
  cluster: {server: "https://192.168.1.10:6443"}
- name: prod-us
  cluster: {server: "https://10.0.0.1:6443"}
contexts:
- name: home
  context: {cluster: home}
- name: zt-prod-us
  context: {cluster: prod-us}
`;

let dir: string;
let config: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kubezt-use-'));
  config = join(dir, 'config');
  await writeFile(config, CONFIG);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('runUseContext', () => {
  it('hands the resolved switch to beforeWrite, then writes it', async () => {
    const seen: { target: ContextSwitch; bytes: string }[] = [];
    const result = await runUseContext({
      paths: [config],
      name: 'prod-us',
      beforeWrite: async (target) => {
        seen.push({ target, bytes: await readFile(config, 'utf8') });
      },
    });
    const expected = { context: 'zt-prod-us', previous: 'home', file: config, changed: true };
    expect(result).toEqual(expected);
    // The step ran once, before the write: the file still named the old context then.
    expect(seen).toEqual([{ target: expected, bytes: CONFIG }]);
    expect(await readFile(config, 'utf8')).toContain('current-context: zt-prod-us\n');
  });

  it('writes nothing when beforeWrite fails, and fails with its error', async () => {
    const refused = new UserError('bad-input', 'The virtual network could not be switched.');
    const run = runUseContext({
      paths: [config],
      name: 'zt-prod-us',
      beforeWrite: async () => {
        throw refused;
      },
    });
    await expect(run).rejects.toBe(refused);
    expect(await readFile(config, 'utf8')).toBe(CONFIG);
  });

  it('runs beforeWrite also when the context is already current', async () => {
    const targets: ContextSwitch[] = [];
    const result = await runUseContext({
      paths: [config],
      name: 'home',
      beforeWrite: async (t) => {
        targets.push(t);
      },
    });
    expect(result).toEqual({ context: 'home', previous: 'home', file: config, changed: false });
    expect(targets).toEqual([result]);
    expect(await readFile(config, 'utf8')).toBe(CONFIG);
  });
});
