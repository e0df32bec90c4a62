/**
 * Shapes of the fake Cloudflare v4 API. Every object it serves is typed with the `cloudflare`
 * package's own response types, so a change in the SDK's models fails `tsc` here before it can
 * make the fake drift away from what the real SDK reads.
 */
import type { Account } from 'cloudflare/resources/accounts/accounts';
import type { CloudflareTunnel } from 'cloudflare/resources/shared';
import type { TokenVerifyResponse } from 'cloudflare/resources/user/tokens/tokens';
import type { SplitTunnelExclude, SplitTunnelInclude } from 'cloudflare/resources/zero-trust/devices/policies/policies';
import type { ConfigurationGetResponse } from 'cloudflare/resources/zero-trust/gateway/configurations/configurations';
import type { GatewayItem, GatewayList } from 'cloudflare/resources/zero-trust/gateway/lists/lists';
import type { GatewayRule } from 'cloudflare/resources/zero-trust/gateway/rules';
import type { Teamnet } from 'cloudflare/resources/zero-trust/networks/routes/routes';
import type { VirtualNetwork } from 'cloudflare/resources/zero-trust/networks/virtual-networks';
import type { OrganizationListResponse } from 'cloudflare/resources/zero-trust/organizations/organizations';

export type {
  Account,
  CloudflareTunnel,
  ConfigurationGetResponse,
  GatewayItem,
  GatewayList,
  GatewayRule,
  OrganizationListResponse,
  SplitTunnelExclude,
  SplitTunnelInclude,
  Teamnet,
  TokenVerifyResponse,
  VirtualNetwork,
};

/**
 * How `GET /gateway/lists/:id/items` wraps its items. The SDK (v7) types each page entry as a
 * `GatewayItem`, while the API has long answered with the page's items wrapped in one more array
 * (`result: [[{value}, ...]]`, what SDK v3-v6 typed as `ItemListResponse = GatewayItem[]`).
 * Consumers must accept both; the fake serves either.
 */
export type GatewayItemsShape = 'flat' | 'nested';

export interface SeedGatewayList {
  /** As returned by `GET /gateway/lists` (no items; `count` is filled in by the fake). */
  list: GatewayList;
  items: GatewayItem[];
  itemsShape?: GatewayItemsShape;
}

export interface CloudflareSeed {
  /** The account the token can see; its id is what `CLOUDFLARE_ACCOUNT_ID` must be. */
  account: Account;
  /** Other accounts the token can also list (for `kubezt login` account pickers). */
  otherAccounts?: Account[];
  /** Returned by `GET /user/tokens/verify` for the valid token. */
  tokenStatus?: TokenVerifyResponse;
  tunnels: CloudflareTunnel[];
  /** Live and deleted routes alike: the API filters them by `is_deleted`. */
  routes: Teamnet[];
  virtualNetworks: VirtualNetwork[];
  gatewayLists: SeedGatewayList[];
  gatewayRules: GatewayRule[];
  splitTunnel: { exclude: SplitTunnelExclude[]; include: SplitTunnelInclude[] };
  /**
   * `GET /gateway/configuration`: TLS decryption (settings.tls_decrypt) and the inspection mode
   * (settings.inspection.mode, `dynamic` = "inspect on all ports"). Absent: a fresh account's
   * answer, with neither setting.
   */
  gatewayConfiguration?: ConfigurationGetResponse;
  /**
   * `GET /access/organizations`: the account's Zero Trust organization, whose `auth_domain`
   * (TEAM.cloudflareaccess.com) carries the team name WARP reports. Its shape follows the API
   * reference (the SDK's OrganizationListResponse), not a recording: none is in the corpus.
   */
  accessOrganization?: OrganizationListResponse;
  /** Page size when a request sends no `per_page` (the SDK sends none unless asked). */
  defaultPerPage?: number;
}

/** The endpoints the fake serves, as names for faults, permissions and the request log. */
export type CloudflareEndpoint =
  | 'tokens-verify'
  | 'accounts'
  | 'tunnels'
  | 'routes'
  | 'virtual-networks'
  | 'gateway-lists'
  | 'gateway-list-items'
  | 'gateway-rules'
  | 'split-tunnel-exclude'
  | 'split-tunnel-include'
  | 'tunnel-connections'
  | 'gateway-configuration'
  | 'access-organization';

/** Permission groups as the dashboard names them when creating an API token. */
export type CloudflarePermission =
  | 'Cloudflare Tunnel Read'
  | 'Zero Trust Read'
  | 'Account Settings Read'
  | 'Access: Organizations, Identity Providers, and Groups Read';

export interface CloudflareFault {
  /** Which endpoint(s) it hits; all when omitted. */
  endpoint?: CloudflareEndpoint | CloudflareEndpoint[];
  /** HTTP status to answer with (429, 500, 502, 503...). Omit for a delay-only fault. */
  status?: number;
  /** `Retry-After` header value (seconds, or an HTTP date) for 429/503. */
  retryAfter?: number | string;
  /** Hold the response headers back this long (the SDK's timeout only covers the headers). */
  delayMs?: number;
  /** Hold the response until this settles (orders events across concurrent requests in tests). */
  waitFor?: Promise<unknown>;
  /** Fail only the next N matching requests, then stop matching; forever when omitted. */
  times?: number;
  /** 5xx from Cloudflare's edge come as HTML, not as a v4 envelope. */
  html?: boolean;
  /** The exact body to answer with (e.g. a recorded one from the corpus), as JSON. */
  body?: string;
}

export interface LoggedRequest {
  method: string;
  /** Path below the base URL, e.g. `/accounts/<id>/teamnet/routes`. */
  path: string;
  query: Record<string, string | string[]>;
  endpoint: CloudflareEndpoint | 'unknown';
  status: number;
}

export interface StartCloudflareApiOptions {
  seed: CloudflareSeed;
  /** Loopback only; 127.0.0.1 when omitted. */
  host?: string;
  /** 0 (any free port) when omitted. */
  port?: number;
  /** The one valid bearer token; a random one when omitted. */
  token?: string;
  /** Permissions the token lacks: their endpoints answer 403. */
  lacking?: CloudflarePermission[];
  /**
   * Status for a wrong token on account endpoints. The brief's default is 401; the real API is
   * also known to answer 403 with code 10000 for a revoked token, which clients must survive.
   */
  invalidTokenStatus?: 401 | 403;
  faults?: CloudflareFault[];
}

export interface FakeCloudflareApi {
  /** What the SDK expects as `baseURL` / `CLOUDFLARE_BASE_URL`: `http://127.0.0.1:PORT/client/v4`. */
  baseUrl: string;
  token: string;
  accountId: string;
  /** Every request in arrival order; never holds the token. */
  requests: LoggedRequest[];
  /**
   * Resolves with the first request (already logged or still to come) that matches, checked when
   * it arrives (status 0) and when it is answered (its status set).
   */
  waitForRequest(match: (r: LoggedRequest) => boolean): Promise<LoggedRequest>;
  setFaults(faults: CloudflareFault[]): void;
  setLacking(lacking: CloudflarePermission[]): void;
  /** Replace the served data (e.g. to simulate a route being deleted between refreshes). */
  setSeed(seed: CloudflareSeed): void;
  /**
   * Sets a tunnel's status (by id or name) as its connectors would: `down` and `inactive` drop
   * every connection (and stamp conns_inactive_at), `healthy`/`degraded` bring connections back.
   */
  setTunnelStatus(tunnel: string, status: 'healthy' | 'degraded' | 'down' | 'inactive'): void;
  close(): Promise<void>;
}
