/**
 * `kubezt use` reads a context's recorded virtual network once, with its switch plan: the
 * network rides on the resolved switch (`ContextSwitch.virtualNetwork`) on every path the plan
 * takes (the block reader, js-yaml, the yaml Document API for `-n` and for aliases), and the
 * network step decides from it without being handed the kubeconfig files at all.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeProcessRunner } from '../../../main/core/process/runner.ts';
import { joinNetworkBeforeWrite, type NetworkNotice } from '../../../main/usecases/join-network.ts';
import { type ContextSwitch, runUseContext } from '../../../main/usecases/use-context.ts';
import { type FakeWarp, startFakeWarp } from '../../../sim/warp/index.ts';

const DEFAULT = '11111111-1111-4111-8111-111111111111';
const STAGING = '22222222-2222-4222-8222-222222222222';
const staging = { id: STAGING, name: 'staging' };

const context = (name: string, vnet: string) => `- name: ${name}
  context:
    cluster: c
    extensions:
    - name: kubezt
      extension:
        managed: true
        cluster: ${name.replace(/^zt-/, '')}
${vnet}`;
const withVnet = `        virtualNetwork:
          id: ${STAGING}
          name: staging
`;
const header =
  'apiVersion: v1\nkind: Config\ncurrent-context: zt-c\nclusters:\n- name: c\n  cluster: {server: "https://10.0.0.1:6443"}\n';

let dir: string;
let warp: FakeWarp;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kubezt-use-network-'));
  warp = await startFakeWarp({
    dir: join(dir, 'warp'),
    state: {
      virtualNetworks: [
        { id: DEFAULT, name: 'default', default: true },
        { id: STAGING, name: 'staging' },
      ],
      activeVnetId: DEFAULT,
    },
  });
});
afterAll(async () => {
  await warp?.close();
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

/** The switch beforeWrite was handed, and the one the run returned. */
async function use(paths: string[], name: string, namespace?: string): Promise<ContextSwitch[]> {
  const seen: ContextSwitch[] = [];
  const result = await runUseContext({
    paths,
    name,
    ...(namespace ? { namespace } : {}),
    beforeWrite: async (t) => {
      seen.push(t);
    },
  });
  return [...seen, result];
}

describe('the switch plan carries the network recorded on the context', () => {
  it('block YAML: by context name and by cluster name; absent for a context without one', async () => {
    const text = `${header}contexts:\n${context('zt-b', withVnet)}${context('zt-c', '')}`;
    for (const name of ['zt-b', 'b']) {
      const [seen, result] = await use([await file(`block-${name}`, text)], name);
      expect(seen).toMatchObject({ context: 'zt-b', virtualNetwork: staging });
      expect(result).toMatchObject({ context: 'zt-b', virtualNetwork: staging });
    }
    const [plain] = await use(
      [await file('block-plain', text.replace('current-context: zt-c', 'current-context: zt-b'))],
      'zt-c',
    );
    expect(plain).not.toHaveProperty('virtualNetwork');
  });

  it('a JSON kubeconfig (js-yaml), with the name falling back to the id', async () => {
    const doc = {
      apiVersion: 'v1',
      'current-context': 'other',
      contexts: [
        { name: 'other', context: {} },
        {
          name: 'zt-j',
          context: { extensions: [{ name: 'kubezt', extension: { managed: true, virtualNetwork: { id: STAGING } } }] },
        },
      ],
    };
    const [seen] = await use([await file('json', JSON.stringify(doc))], 'zt-j');
    expect(seen?.virtualNetwork).toEqual({ id: STAGING, name: STAGING });
  });

  it('the full parser: with -n NS, and for a network given by a YAML alias', async () => {
    const text = `${header}contexts:\n${context('zt-b', withVnet)}${context('zt-c', '')}`;
    const [withNs] = await use([await file('ns', text)], 'zt-b', 'team');
    expect(withNs).toMatchObject({ context: 'zt-b', virtualNetwork: staging, namespace: { name: 'team' } });
    const aliased = `${header}contexts:\n${context('zt-a', withVnet.replace('virtualNetwork:', 'virtualNetwork: &net'))}${context('zt-b', '        virtualNetwork: *net\n')}`;
    const [seen] = await use([await file('alias', aliased)], 'zt-b');
    expect(seen?.virtualNetwork).toEqual(staging);
  });

  it('the first file that defines the context wins, as in kubectl', async () => {
    const first = await file('first', `${header}contexts:\n${context('zt-b', '')}`);
    const second = await file('second', `${header}contexts:\n${context('zt-b', withVnet)}`);
    const [seen] = await use([first, second], 'zt-b');
    expect(seen).not.toHaveProperty('virtualNetwork');
    const [fromSecond] = await use([join(dir, 'missing'), second], 'zt-b');
    expect(fromSecond?.virtualNetwork).toEqual(staging);
  });
});

describe('the network step decides from the switch, not from the files', () => {
  const target = (virtualNetwork?: typeof staging): ContextSwitch => ({
    context: 'zt-b',
    previous: 'zt-c',
    file: join(dir, 'never-read'),
    changed: true,
    ...(virtualNetwork ? { virtualNetwork } : {}),
  });
  const step = (notices: NetworkNotice[]) =>
    joinNetworkBeforeWrite({
      warp: { runner: nodeProcessRunner, warpCliPath: warp.warpCliPath, childEnv: {} },
      policy: () => 'never',
      say: (n) => notices.push(n),
    });

  it('a switch that carries a network is weighed against WARP (never: a notice)', async () => {
    const notices: NetworkNotice[] = [];
    await step(notices)(target(staging));
    expect(notices).toEqual([
      {
        kind: 'not-switched',
        sentence:
          'Context "zt-b" is in virtual network "staging" but WARP is on "default"; kubezt left WARP alone (switchVirtualNetwork is "never"), so kubectl reaches it only after "kubezt vnet staging".',
      },
    ]);
    expect(warp.activeVnetId()).toBe(DEFAULT);
  });

  it('a switch without one does not even build the warp-cli environment', async () => {
    const notices: NetworkNotice[] = [];
    const consulted: string[] = [];
    const quiet = joinNetworkBeforeWrite({
      warp: async () => {
        consulted.push('warp');
        throw new Error('WARP was consulted for a context that records no network');
      },
      policy: () => 'auto',
      say: (n) => notices.push(n),
    });
    await quiet(target());
    expect(consulted).toEqual([]);
    expect(notices).toEqual([]);
  });
});
