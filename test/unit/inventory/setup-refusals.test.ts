/**
 * The setup policy's refusals (usecases/setup.ts): one sentence per missing piece, the same for
 * every front end but for the remedy each passes, and no refusal when a usable source remains.
 */
import { describe, expect, it } from 'vitest';
import { UserError } from '../../../main/core/errors.ts';
import type { CloudflareSourceState, Inventory } from '../../../main/core/inventory/load.ts';
import { refuseUnconfiguredSources, type SetupRemedies } from '../../../main/usecases/setup.ts';

const FIX: SetupRemedies = {
  token: 'give a token',
  account: 'pick an account',
  withoutCloudflare: 'use a catalog',
  anySource: 'set up a source',
};
const ACCOUNT = '0123456789abcdef0123456789abcdef';

function inventory(cloudflare: CloudflareSourceState, catalog = false): Inventory {
  return {
    clusters: [],
    cloudflare,
    catalog: catalog ? { status: 'loaded', path: '/catalog.yaml', clusters: 1 } : { status: 'not-configured' },
    gatewayAudit: [],
    warnings: [],
  };
}

function refusal(inv: Inventory, chosen?: { cloudflare: boolean; catalogPath: string | null }): string | null {
  try {
    refuseUnconfiguredSources(inv, chosen, FIX);
    return null;
  } catch (e) {
    if (!(e instanceof UserError) || e.code !== 'not-logged-in') throw e;
    return e.message;
  }
}

describe('refuseUnconfiguredSources', () => {
  const noToken = inventory({ status: 'not-configured', accountId: ACCOUNT, missing: 'token' });
  const noAccount = inventory({ status: 'not-configured', missing: 'account' });
  const nothing = inventory({ status: 'not-configured', missing: 'token-and-account' });

  it('says what is missing and passes on the front end’s remedy', () => {
    expect(refusal(noToken)).toBe(
      `Cloudflare account ${ACCOUNT} is selected but no API token is available: give a token, or use a catalog.`,
    );
    expect(refusal(noAccount)).toBe(
      'CLOUDFLARE_API_TOKEN is set but no account is selected: pick an account, or use a catalog.',
    );
    expect(refusal(nothing)).toBe('No cluster source is configured: set up a source.');
    expect(refusal(nothing, { cloudflare: true, catalogPath: '/catalog.yaml' })).toBe(
      'No Cloudflare API token or account is available: give a token, or use a catalog.',
    );
  });

  it('lets a run go on while a usable source remains', () => {
    expect(refusal(inventory(noToken.cloudflare, true))).toBeNull();
    expect(refusal(noToken, { cloudflare: false, catalogPath: '/catalog.yaml' })).toBeNull();
    expect(
      refusal(inventory({ status: 'stale', accountId: ACCOUNT }), { cloudflare: true, catalogPath: null }),
    ).toBeNull();
  });

  it('refuses a chosen Cloudflare that is not set up, even beside a catalog', () => {
    expect(refusal(inventory(noToken.cloudflare, true), { cloudflare: true, catalogPath: '/catalog.yaml' })).toMatch(
      /^Cloudflare account .* is selected but no API token is available/,
    );
  });
});
