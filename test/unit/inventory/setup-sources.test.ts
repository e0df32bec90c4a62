import { describe, expect, it } from 'vitest';
import {
  type CloudflareSourceState,
  heldBackNotes,
  type Inventory,
  setupSources,
} from '../../../main/core/inventory/index.ts';

function inventory(cloudflare: CloudflareSourceState, catalog = true): Inventory {
  return {
    clusters: [],
    cloudflare,
    catalog: catalog ? { status: 'loaded', path: '/team/catalog.yaml', clusters: 2 } : { status: 'not-configured' },
    gatewayAudit: [],
    warnings: [],
  };
}

const ACCOUNT = '0123456789abcdef0123456789abcdef';
const failure = { code: 'cloudflare-unavailable' as const, message: 'The Cloudflare API could not be reached.' };

describe('setupSources: only a fresh, successful list may say a cluster is gone', () => {
  it('consults Cloudflare when its list was fetched now, or is a young cache of a successful fetch', () => {
    for (const status of ['fresh', 'cached'] as const) {
      const s = setupSources(inventory({ status, accountId: ACCOUNT, fetchedAt: '2026-01-01T00:00:00Z', ageMs: 0 }));
      expect(s).toEqual({ consulted: ['catalog', 'cloudflare'], unread: [] });
    }
  });

  it('does not consult Cloudflare after a failure, even with a cached list to show', () => {
    const stale = setupSources(
      inventory({ status: 'stale', accountId: ACCOUNT, ageMs: 300_000, fetchedAt: 'x', error: failure }),
    );
    expect(stale.consulted).toEqual(['catalog']);
    expect(stale.unread).toEqual([
      {
        source: 'cloudflare',
        reason: 'discovery failed, and its list from cache (5 min old) cannot tell that a cluster is gone',
      },
    ]);
    const error = setupSources(inventory({ status: 'error', accountId: ACCOUNT, error: failure }));
    expect(error.consulted).toEqual(['catalog']);
    expect(error.unread[0]?.reason).toBe('discovery failed and there is no cached list');
  });

  it('does not consult Cloudflare without a token or an account, and says how to fix it', () => {
    const reasons = (['token', 'account', 'token-and-account'] as const).map(
      (missing) => setupSources(inventory({ status: 'not-configured', missing, accountId: ACCOUNT })).unread[0]?.reason,
    );
    expect(reasons).toEqual([
      'no API token: run kubezt login',
      'no account is selected: run kubezt login --account-id ID, or set CLOUDFLARE_ACCOUNT_ID',
      'no Cloudflare account is selected: run kubezt login',
    ]);
  });

  it('does not read a catalog that is not configured, nor a source the user left out', () => {
    const fresh: CloudflareSourceState = { status: 'fresh', accountId: ACCOUNT, fetchedAt: 'x', ageMs: 0 };
    expect(setupSources(inventory(fresh, false))).toEqual({
      consulted: ['cloudflare'],
      unread: [{ source: 'catalog', reason: 'no catalog file is set: set KUBEZT_CATALOG or the catalogPath setting' }],
    });
    expect(setupSources(inventory(fresh), ['cloudflare'])).toEqual({
      consulted: ['catalog'],
      unread: [{ source: 'cloudflare', reason: 'you left it out of this setup' }],
    });
  });
});

describe('heldBackNotes', () => {
  const loggedOut = setupSources(inventory({ status: 'not-configured', missing: 'token', accountId: ACCOUNT }));

  it('says, per unread source, which of its contexts were kept', () => {
    expect(
      heldBackNotes(loggedOut, [
        { cluster: 'prod-us', context: 'zt-prod-us', unread: ['cloudflare'] },
        { cluster: 'staging', context: 'zt-staging', unread: ['cloudflare'] },
        { cluster: 'edge', context: 'zt-edge', unread: ['cloudflare'] },
      ]),
    ).toEqual([
      'Cloudflare was not consulted (no API token: run kubezt login); its 3 contexts were kept: zt-prod-us, zt-staging, zt-edge.',
    ]);
    expect(heldBackNotes(loggedOut, [{ cluster: 'edge', unread: ['cloudflare'] }])).toEqual([
      'Cloudflare was not consulted (no API token: run kubezt login); its context edge was kept.',
    ]);
  });

  it('says nothing when no context had to be kept', () => {
    expect(heldBackNotes(loggedOut, undefined)).toEqual([]);
    expect(heldBackNotes(loggedOut, [])).toEqual([]);
  });

  it('shortens a long list', () => {
    const many = Array.from({ length: 8 }, (_, i) => ({
      cluster: `c${i}`,
      context: `zt-c${i}`,
      unread: ['cloudflare'],
    }));
    expect(heldBackNotes(loggedOut, many)[0]).toMatch(
      /its 8 contexts were kept: zt-c0, zt-c1, zt-c2, zt-c3, zt-c4 and 3 more\.$/,
    );
  });
});
