import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isUserError } from '../../../main/core/errors.ts';
import type { VirtualNetworks } from '../../../main/core/warp/types.ts';
import {
  contextVirtualNetwork,
  decideNetworkJoin,
  deviceWideNetworkWarning,
  switchPolicyOf,
} from '../../../main/usecases/join-network.ts';

const DEFAULT = { id: '11111111-1111-4111-8111-111111111111', name: 'default', description: '', default: true };
const STAGING = { id: '22222222-2222-4222-8222-222222222222', name: 'staging', description: 'Staging', default: false };
const warpOn = (active: string | null): VirtualNetworks => ({ active, list: [DEFAULT, STAGING], format: 'json' });
const target = { id: STAGING.id, name: 'staging' };

describe('decideNetworkJoin: the one policy behind `use` and the tray click', () => {
  it('does nothing when WARP is already on the network, lists none, or cannot be read', () => {
    expect(decideNetworkJoin('zt-a', target, warpOn(STAGING.id), 'auto', null)).toEqual({ action: 'none' });
    expect(decideNetworkJoin('zt-a', target, { active: null, list: [], format: 'text' }, 'auto', null)).toEqual({
      action: 'none',
    });
    expect(decideNetworkJoin('zt-a', target, null, 'auto', null)).toEqual({ action: 'none' });
  });

  it('auto switches to the listed network, naming the one it leaves', () => {
    expect(decideNetworkJoin('zt-a', target, warpOn(DEFAULT.id), 'auto', null)).toEqual({
      action: 'switch',
      target: STAGING,
      from: DEFAULT,
    });
  });

  it('never leaves WARP alone with one sentence that says how to switch', () => {
    expect(decideNetworkJoin('zt-a', target, warpOn(DEFAULT.id), 'never', null)).toEqual({
      action: 'leave',
      notice: {
        kind: 'not-switched',
        sentence:
          'Context "zt-a" is in virtual network "staging" but WARP is on "default"; kubezt left WARP alone (switchVirtualNetwork is "never"), so kubectl reaches it only after "kubezt vnet staging".',
      },
    });
  });

  it('ask asks when it can, and behaves as never, saying why, when it cannot', () => {
    const asked = decideNetworkJoin('zt-a', target, warpOn(DEFAULT.id), 'ask', null);
    expect(asked).toMatchObject({ action: 'ask', target: STAGING, from: DEFAULT });
    expect(asked.action === 'ask' && asked.question).toBe(
      'Context "zt-a" is in virtual network "staging" and WARP is on "default". Switch WARP (the whole device) to "staging"? [y/N] ',
    );
    const cannot = decideNetworkJoin('zt-a', target, warpOn(DEFAULT.id), 'ask', 'the tray cannot ask before switching');
    expect(cannot).toMatchObject({ action: 'leave', notice: { kind: 'not-switched' } });
    expect(cannot.action === 'leave' && cannot.notice.sentence).toContain(
      'switchVirtualNetwork is "ask" and the tray cannot ask before switching, so kubezt left WARP alone',
    );
  });

  it('refuses a network the client does not list, whatever the policy', () => {
    const other = { id: '33333333-3333-4333-8333-333333333333', name: 'lab' };
    for (const policy of ['auto', 'ask', 'never'] as const) {
      const d = decideNetworkJoin('zt-a', other, warpOn(DEFAULT.id), policy, null);
      expect(d.action).toBe('refuse');
      expect(d.action === 'refuse' && d.sentence).toMatch(
        /^Context "zt-a" is in virtual network "lab" \(3{8}-.*\), which this WARP client does not list \(it has "default", "staging"\): .+\.$/,
      );
    }
  });

  it('says "no network selected" when WARP has none selected', () => {
    const d = decideNetworkJoin('zt-a', target, warpOn(null), 'never', null);
    expect(d.action === 'leave' && d.notice.sentence).toContain('but WARP has no network selected;');
  });
});

describe('deviceWideNetworkWarning (shell, env, exec)', () => {
  it('warns only when the selected network is another one', () => {
    expect(deviceWideNetworkWarning('zt-a', target, warpOn(STAGING.id))).toBeNull();
    expect(deviceWideNetworkWarning('zt-a', target, null)).toBeNull();
    expect(deviceWideNetworkWarning('zt-a', target, warpOn(DEFAULT.id))).toBe(
      'Context "zt-a" is in virtual network "staging" but WARP is on "default"; the virtual network is device-wide, so this session reaches it only after "kubezt vnet staging", which moves every terminal and app on this device with it.',
    );
  });
});

describe('switchPolicyOf', () => {
  it('defaults to auto and refuses anything but auto, ask, never with one sentence', () => {
    expect(switchPolicyOf(undefined)).toBe('auto');
    expect(switchPolicyOf('never')).toBe('never');
    try {
      switchPolicyOf(true);
      expect.unreachable();
    } catch (e) {
      expect(isUserError(e) && e.code).toBe('settings-invalid');
      expect((e as Error).message).toMatch(
        /^The setting "switchVirtualNetwork" must be "auto", "ask" or "never", not true;/,
      );
    }
  });
});

describe('contextVirtualNetwork: the network kubezt recorded on a context', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubezt-join-network-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string) => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };
  const context = (name: string, vnet: string) => `- name: ${name}
  context:
    cluster: ${name}
    extensions:
    - name: kubezt
      extension:
        managed: true
        cluster: ${name}
${vnet}`;
  const withVnet = `        virtualNetwork:
          id: ${STAGING.id}
          name: staging
`;

  it('reads the extension of the context; null for a context without one or unknown', async () => {
    const p = file('a', `apiVersion: v1\nkind: Config\ncontexts:\n${context('zt-b', withVnet)}${context('zt-c', '')}`);
    expect(await contextVirtualNetwork([p], 'zt-b')).toEqual({ id: STAGING.id, name: 'staging' });
    expect(await contextVirtualNetwork([p], 'zt-c')).toBeNull();
    expect(await contextVirtualNetwork([p], 'nope')).toBeNull();
  });

  it('reads a JSON kubeconfig too (the js-yaml path)', async () => {
    const doc = {
      apiVersion: 'v1',
      contexts: [
        {
          name: 'zt-j',
          context: {
            cluster: 'zt-j',
            extensions: [
              { name: 'kubezt', extension: { managed: true, virtualNetwork: { id: STAGING.id, name: 'staging' } } },
            ],
          },
        },
      ],
    };
    const p = file('json', JSON.stringify(doc));
    expect(await contextVirtualNetwork([p], 'zt-j')).toEqual({ id: STAGING.id, name: 'staging' });
  });

  it('the first file that defines the context wins, as in kubectl', async () => {
    const first = file('first', `apiVersion: v1\nkind: Config\ncontexts:\n${context('zt-b', '')}`);
    const second = file('second', `apiVersion: v1\nkind: Config\ncontexts:\n${context('zt-b', withVnet)}`);
    expect(await contextVirtualNetwork([first, second], 'zt-b')).toBeNull();
    expect(await contextVirtualNetwork([join(dir, 'missing'), second], 'zt-b')).toEqual({
      id: STAGING.id,
      name: 'staging',
    });
  });
});
