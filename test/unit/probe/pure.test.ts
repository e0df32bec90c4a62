import { describe, expect, it } from 'vitest';
import { DeadlineError, isCloudflareGatewayName, withDeadline } from '../../../main/core/probe/index.ts';
import { minorOf } from '../../../main/core/probe/kube.ts';

describe('Cloudflare Gateway CA names', () => {
  it('recognises the per-account roots and the legacy Cloudflare for Teams chain', () => {
    expect(
      isCloudflareGatewayName(
        'C=US, O=Cloudflare, Inc., CN=Gateway CA - Cloudflare Managed G1 d4cab1c0e006138441e1f1b57bfde614',
      ),
    ).toBe(true);
    expect(isCloudflareGatewayName('CN=Gateway CA - Cloudflare Managed G2 c1b48542cf403275c80745c42d11e580')).toBe(
      true,
    );
    expect(isCloudflareGatewayName('C=US, O=Cloudflare, Inc, CN=Cloudflare for Teams ECC Certificate Authority')).toBe(
      true,
    );
    expect(isCloudflareGatewayName('O=Cloudflare, Inc., OU=Gateway Intermediate ECC Certificate Authority')).toBe(true);
  });

  it('does not flag ordinary cluster CAs or Cloudflare origin certificates', () => {
    expect(isCloudflareGatewayName('CN=kubernetes')).toBe(false);
    expect(isCloudflareGatewayName('O=CloudFlare, Inc., OU=CloudFlare Origin SSL Certificate Authority')).toBe(false);
  });
});

describe('minor versions', () => {
  it('reads "31", "31+" and falls back to gitVersion', () => {
    expect(minorOf('31', 'v1.31.2')).toBe(31);
    expect(minorOf('28+', 'v1.28.15-eks-1')).toBe(28);
    expect(minorOf('', 'v1.29.4-gke.100')).toBe(29);
    expect(minorOf(undefined, 'garbage')).toBeNull();
  });
});

describe('withDeadline', () => {
  it('settles at the deadline even when the work ignores its signal, and aborts that signal', async () => {
    let seen: AbortSignal | undefined;
    const never = new Promise<never>(() => {});
    await expect(
      withDeadline(20, undefined, (signal) => {
        seen = signal;
        return never;
      }),
    ).rejects.toBeInstanceOf(DeadlineError);
    expect(seen?.aborted).toBe(true);
  });

  it('follows a parent signal', async () => {
    const parent = new AbortController();
    const pending = withDeadline(60_000, parent.signal, () => new Promise<never>(() => {}));
    parent.abort();
    await expect(pending).rejects.toBeInstanceOf(DeadlineError);
  });

  it('returns the work result and releases the signal afterwards', async () => {
    let seen: AbortSignal | undefined;
    const v = await withDeadline(1_000, undefined, async (signal) => {
      seen = signal;
      return 42;
    });
    expect(v).toBe(42);
    expect(seen?.aborted).toBe(true);
  });
});
