/**
 * Whether the device's Zero Trust organization (the team name WARP reports) is the one discovery
 * reads the clusters from (the Access organization's `auth_domain`, TEAM.cloudflareaccess.com).
 * A device enrolled in another organization reaches none of the account's private routes, which
 * every check would only report as timeouts; this says why in one sentence.
 */
import type { AccessOrganization } from '../discovery/cloudflare/organization.ts';

/** The permission a token needs to read the Access organization (the dashboard's words). */
export const ACCESS_ORGANIZATION_PERMISSION = 'Access: Organizations, Identity Providers, and Groups Read';

/** What discovery learnt of one account's Zero Trust organization. */
export interface DiscoveryTeam {
  accountId: string;
  /** The account's display name, when known. */
  accountName?: string;
  /** The team name; null when it could not be read (see `unknownBecause`). */
  team: string | null;
  /** `permission`: the token may not read it; `not-read`: Cloudflare did not answer it. */
  unknownBecause?: 'permission' | 'not-read';
}

export type OrganizationMatchState = 'match' | 'mismatch' | 'unknown';

export interface OrganizationMatch {
  state: OrganizationMatchState;
  /** The team WARP reports. */
  deviceTeam: string;
  /** The teams of the discovered accounts that could be read. */
  discoveryTeams: string[];
  /**
   * One sentence for the user: for a mismatch, and for a comparison the token or the API kept
   * from being made. Null for a match.
   */
  sentence: string | null;
}

const ACCESS_SUFFIX = /\.cloudflareaccess\.com\.?$/i;

/** "Acme.cloudflareaccess.com" and " acme " are the same team, "acme"; null for nothing. */
export function normalizeTeam(value: string | null | undefined): string | null {
  const trimmed = value?.trim().replace(ACCESS_SUFFIX, '').toLowerCase();
  return trimmed ? trimmed : null;
}

function accountLabel(t: DiscoveryTeam): string {
  return t.accountName ? `account "${t.accountName}"` : `account ${t.accountId}`;
}

function listed(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

function mismatchSentence(device: string, known: readonly DiscoveryTeam[]): string {
  const teams = known.map((t) => t.team as string);
  const sources = listed(known.map((t) => `${accountLabel(t)} (organization "${t.team}")`));
  const first = teams[0] as string;
  const where = known.length === 1 ? `"${first}"` : `one of ${listed(teams.map((t) => `"${t}"`))}`;
  return `WARP is enrolled in Zero Trust organization "${device}", but the clusters come from ${sources}: the routes are reachable only from devices enrolled in ${where}; re-enroll with "warp-cli registration new ${first}" or ask your Zero Trust admin.`;
}

function uncheckedSentence(device: string, unread: readonly DiscoveryTeam[]): string {
  const accounts = listed(unread.map(accountLabel));
  if (unread.some((t) => t.unknownBecause === 'permission')) {
    return `Whether WARP's Zero Trust organization "${device}" is the one of ${accounts} could not be checked: the Cloudflare API token may not read the account's Zero Trust organization; add the "${ACCESS_ORGANIZATION_PERMISSION}" permission to the token to have it checked.`;
  }
  return `Whether WARP's Zero Trust organization "${device}" is the one of ${accounts} could not be checked: Cloudflare did not return the account's Zero Trust organization; "kubezt clusters --refresh" tries again.`;
}

/**
 * Compares case-insensitively. `accounts`: one entry per Cloudflare account the clusters come
 * from (catalog-only clusters have none). Null when there is nothing to compare: no account, or
 * WARP reporting no team (not installed, not enrolled: the WARP state says so already). With
 * several accounts, a device in any of them matches; it is a mismatch only when every account's
 * team was read and none is the device's.
 */
export function matchOrganization(
  deviceOrganization: string | null | undefined,
  accounts: readonly DiscoveryTeam[],
): OrganizationMatch | null {
  const device = normalizeTeam(deviceOrganization);
  if (accounts.length === 0 || device === null) return null;
  const known = accounts
    .map((a) => ({ ...a, team: normalizeTeam(a.team) }))
    .filter((a): a is DiscoveryTeam & { team: string } => a.team !== null);
  const discoveryTeams = [...new Set(known.map((a) => a.team))];
  const unread = accounts.filter((a) => normalizeTeam(a.team) === null);
  const base = { deviceTeam: device, discoveryTeams };
  if (discoveryTeams.includes(device)) return { state: 'match', ...base, sentence: null };
  if (unread.length > 0) return { state: 'unknown', ...base, sentence: uncheckedSentence(device, unread) };
  return { state: 'mismatch', ...base, sentence: mismatchSentence(device, known) };
}

/** The account's team for the comparison; nothing when discovery did not read it (an older cache). */
export function discoveryTeam(
  accountId: string | undefined,
  organization: AccessOrganization | undefined,
): { organization?: DiscoveryTeam } {
  if (!accountId || !organization) return {};
  const { team, unknownBecause } = organization;
  return { organization: { accountId, team, ...(unknownBecause ? { unknownBecause } : {}) } };
}
