/**
 * The account's Zero Trust organization: `GET /accounts/{id}/access/organizations`, whose
 * `auth_domain` (TEAM.cloudflareaccess.com) carries the team name WARP reports for an enrolled
 * device. A token without the Access read permission cannot read it; that must not fail
 * discovery, only leave the team unknown. A refused token still fails everything.
 */
import type Cloudflare from 'cloudflare';
import { isUserError } from '../../errors.ts';
import type { CallContext } from './api.ts';
import { isAborted, withPolicy } from './api.ts';

export interface AccessOrganization {
  /** The team name (the first label of `auth_domain`), lower case; null when not read. */
  team: string | null;
  /** As Cloudflare gave it, when it did. */
  authDomain?: string;
  /** Why `team` is null: the token lacks the permission, or the answer was unusable or missing. */
  unknownBecause?: 'permission' | 'not-read';
}

const TEAM = /^([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)\.cloudflareaccess\.com$/i;

/** The team of an `auth_domain`; null for anything that is not TEAM.cloudflareaccess.com. */
export function teamOfAuthDomain(authDomain: unknown): string | null {
  if (typeof authDomain !== 'string') return null;
  const m = TEAM.exec(authDomain.trim());
  return m?.[1] ? m[1].toLowerCase() : null;
}

/** One request, under the retry policy and the request budget like every other. */
export async function readAccessOrganization(
  client: Cloudflare,
  ctx: CallContext,
  accountId: string,
): Promise<AccessOrganization> {
  const req = ctx.signal ? { signal: ctx.signal } : undefined;
  let answer: unknown;
  try {
    answer = await withPolicy(ctx, 'access-organization', () =>
      client.zeroTrust.organizations.list({ account_id: accountId }, req),
    );
  } catch (e) {
    if (isAborted(e) || !isUserError(e) || e.code === 'cloudflare-auth') throw e;
    return { team: null, unknownBecause: e.code === 'cloudflare-permission' ? 'permission' : 'not-read' };
  }
  const authDomain = (answer as { auth_domain?: unknown } | null)?.auth_domain;
  const team = teamOfAuthDomain(authDomain);
  if (!team) return { team: null, unknownBecause: 'not-read' };
  return { team, authDomain: (authDomain as string).trim() };
}
