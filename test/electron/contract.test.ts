import { describe, expect, it } from 'vitest';
import {
  type ClientTransport,
  createKubeztClient,
  EVENT_NAMES,
  eventChannel,
  KubeztError,
  LoginStatusSchema,
  REQUEST_NAMES,
  requestChannel,
  requests,
  subscriptionMethod,
  toIpcError,
} from '../../ipc/contract.ts';

/**
 * Like Electron's contextBridge: a rejection crosses as a new Error carrying only the message
 * (custom properties such as `code` are lost), and nothing else of the original object.
 */
function acrossContextBridge<T>(p: Promise<T>): Promise<T> {
  return p.catch((e: unknown) => {
    throw new Error(e instanceof Error ? e.message : String(e));
  });
}

function transport(answer: (channel: string, payload: unknown) => unknown) {
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const t: ClientTransport = {
    invoke: async (channel, payload) => answer(channel, payload),
    on(channel, listener) {
      if (!listeners.has(channel)) listeners.set(channel, new Set());
      listeners.get(channel)?.add(listener);
      return () => listeners.get(channel)?.delete(listener);
    },
  };
  return { t, listeners };
}

describe('the client API (window.kubezt)', () => {
  it('has one method per request and per event, each on its own channel', async () => {
    const seen: [string, unknown][] = [];
    const { t } = transport((channel, payload) => {
      seen.push([channel, payload]);
      return { ok: true, value: { opened: true } };
    });
    const api = createKubeztClient(t);
    expect(Object.keys(api).sort()).toEqual([...REQUEST_NAMES, ...EVENT_NAMES.map(subscriptionMethod)].sort());
    expect(Object.isFrozen(api)).toBe(true);
    await expect(api.openExternal({ url: 'https://example.com' })).resolves.toEqual({ opened: true });
    expect(seen).toEqual([[requestChannel('openExternal'), { url: 'https://example.com' }]]);
  });

  it('throws failures as KubeztError whose code survives the contextBridge copy', async () => {
    const { t } = transport(() => ({
      ok: false,
      error: { code: 'kubeconfig-locked', message: 'kubectl holds the kubeconfig lock; try again in a moment.' },
    }));
    const api = createKubeztClient(t);
    const direct = await api.listClusters().catch((e: unknown) => e);
    expect(direct).toBeInstanceOf(KubeztError);
    expect((direct as KubeztError).code).toBe('kubeconfig-locked');
    const copied = await acrossContextBridge(api.listClusters()).catch((e: unknown) => e);
    expect(copied).not.toBeInstanceOf(KubeztError);
    expect(toIpcError(copied)).toEqual({
      code: 'kubeconfig-locked',
      message: 'kubectl holds the kubeconfig lock; try again in a moment.',
    });
    // Electron may prefix the message; the code is still found.
    expect(toIpcError(new Error("Error invoking remote method 'x': [not-found] No such cluster."))).toEqual({
      code: 'not-found',
      message: 'No such cluster.',
    });
  });

  it('treats an answer that is not an envelope as an internal error', async () => {
    const { t } = transport(() => ({ clusters: [] }));
    const e = await createKubeztClient(t)
      .listClusters()
      .catch((x: unknown) => x);
    expect(toIpcError(e)).toEqual({
      code: 'internal',
      message: 'Main answered listClusters with something unexpected.',
    });
  });

  it('subscriptions deliver only the payload and return their cleanup', () => {
    const { t, listeners } = transport(() => undefined);
    const api = createKubeztClient(t);
    const got: unknown[] = [];
    const off = api.onWarpState((s) => got.push(s));
    const channel = eventChannel('warpState');
    for (const l of listeners.get(channel) ?? []) l({ status: 'connected' });
    off();
    expect(listeners.get(channel)?.size).toBe(0);
    expect(got).toEqual([{ status: 'connected' }]);
    expect(() => api.onProbeResult(undefined as never)).toThrow(TypeError);
  });
});

describe('schemas', () => {
  it('setup needs at least one source', () => {
    const input = { sources: { cloudflare: false, catalogPath: null }, selected: null, trust: [] };
    expect(requests.previewSetup.request.safeParse(input).success).toBe(false);
    expect(
      requests.previewSetup.request.safeParse({ ...input, sources: { cloudflare: false, catalogPath: '/c.yaml' } })
        .success,
    ).toBe(true);
  });

  it('only https links with a host name may be opened', () => {
    const ok = (url: string) => requests.openExternal.request.safeParse({ url }).success;
    expect(ok('https://developers.cloudflare.com/warp-client/')).toBe(true);
    for (const bad of [
      'http://example.com',
      'javascript:alert(1)',
      'file:///etc/passwd',
      'https://localhost/',
      'ftp://x.y',
    ]) {
      expect(ok(bad), bad).toBe(false);
    }
  });

  it('trust confirmations carry a full SHA-256 fingerprint', () => {
    const fp = Array.from({ length: 32 }, (_, i) => (i * 7).toString(16).padStart(2, '0').toUpperCase()).join(':');
    const base = { sources: { cloudflare: true, catalogPath: null }, selected: ['a'] };
    expect(requests.applySetup.request.safeParse({ ...base, trust: [{ cluster: 'a', sha256: fp }] }).success).toBe(
      true,
    );
    expect(
      requests.applySetup.request.safeParse({ ...base, trust: [{ cluster: 'a', sha256: fp.slice(0, -3) }] }).success,
    ).toBe(false);
  });

  it('login answers can never carry a token', () => {
    const parsed = LoginStatusSchema.parse({
      loggedIn: true,
      accountId: 'a1',
      source: 'env',
      token: 'secret-token-value',
    });
    expect(parsed).toEqual({ loggedIn: true, accountId: 'a1', source: 'env' });
  });
});
