import type { CloudflareProgress, DiscoveryStep } from '../discovery/cloudflare/api.ts';

/** "45 s", "5 min", "3 h", "2 days": ages as people say them, rounded down. */
export function formatAge(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s} s`;
  const min = Math.floor(s / 60);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 48) return `${h} h`;
  const days = Math.floor(h / 24);
  return `${days} days`;
}

/** What each Cloudflare discovery step reads, in words, for progress lines (CLI and app). */
export const DISCOVERY_STEP_LABEL: Readonly<Record<DiscoveryStep, string>> = {
  verify: 'token',
  accounts: 'accounts',
  tunnels: 'tunnels',
  routes: 'routes',
  'virtual-networks': 'virtual networks',
  'gateway-lists': 'Gateway lists',
  'gateway-list-items': 'Gateway list items',
  'gateway-rules': 'Gateway policies',
  'split-tunnel': 'split tunnel',
  'tunnel-connections': 'tunnel connections',
  'gateway-configuration': 'Gateway settings',
  'access-organization': 'Zero Trust organization',
};

/** One progress line of a Cloudflare discovery, as the CLI and the app show it. */
export function describeDiscoveryProgress(p: CloudflareProgress): string {
  const step = DISCOVERY_STEP_LABEL[p.step];
  return p.type === 'page'
    ? `Reading Cloudflare: ${step}, page ${p.page}…`
    : p.type === 'rate-limited' && p.attempt === 0
      ? `Keeping under Cloudflare's rate limit: waiting ${Math.ceil(p.waitMs / 1000)} s (${step})…`
      : p.type === 'rate-limited'
        ? `Cloudflare is rate-limiting: waiting ${Math.ceil(p.waitMs / 1000)} s before retrying (${step})…`
        : `Cloudflare did not answer (${p.status ?? p.reason}): retrying ${step} in ${Math.ceil(p.waitMs / 1000)} s…`;
}
