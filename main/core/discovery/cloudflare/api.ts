/**
 * The Cloudflare SDK client as kubezt uses it: its own retries off (since v6 it sleeps for any
 * Retry-After, unbounded), replaced by a bounded policy that says what it is doing; SDK errors
 * turned into one-sentence UserErrors that never contain the token.
 */
import Cloudflare, {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  AuthenticationError,
  InternalServerError,
  PermissionDeniedError,
  RateLimitError,
} from 'cloudflare';
import type { AbstractPage } from 'cloudflare/core/pagination';
import type { ErrorCode } from '../../errors.ts';
import { UserError } from '../../errors.ts';
import { CLOUDFLARE_API_URL, resolveCloudflareBaseUrl } from '../../workspace/base-url.ts';
import { AUTH_400_CODES, tokenFix } from './auth.ts';
import type { RequestBudget } from './budget.ts';

export { checkAccountId } from './accounts.ts';

export const DEFAULT_BASE_URL = CLOUDFLARE_API_URL;

export type DiscoveryStep =
  | 'verify'
  | 'accounts'
  | 'tunnels'
  | 'routes'
  | 'virtual-networks'
  | 'gateway-lists'
  | 'gateway-list-items'
  | 'gateway-rules'
  | 'split-tunnel'
  | 'tunnel-connections'
  | 'gateway-configuration'
  | 'access-organization';

export type CloudflareProgress =
  /** A page of a list arrived. */
  | { type: 'page'; step: DiscoveryStep; page: number; items: number }
  /**
   * Cloudflare answered 429; kubezt waits `waitMs` (its Retry-After, within the cap) and retries.
   * `attempt` 0: no 429 yet, kubezt's own budget (1,200 requests per 5 minutes) makes it wait.
   */
  | { type: 'rate-limited'; step: DiscoveryStep; waitMs: number; attempt: number }
  /** A 5xx, timeout or connection failure; kubezt retries after `waitMs`. */
  | {
      type: 'retry';
      step: DiscoveryStep;
      reason: 'server-error' | 'timeout' | 'connection';
      status?: number;
      waitMs: number;
      attempt: number;
    };

export interface CloudflareApiOptions {
  token: string;
  /**
   * The API's base URL; the public API when omitted (core never reads the environment itself).
   * Give only what Workspace.cloudflareBaseUrl() returns: it checks where the token may go.
   */
  baseURL?: string;
  /** E.g. Electron's `net.fetch`, so the OS trust store and proxy apply. */
  fetch?: typeof fetch;
  /** Per request, until the response headers arrive (default 15 s). */
  timeoutMs?: number;
  /** Retries after a 5xx, a timeout or a connection failure (default 2). */
  retries?: number;
  /** Retries after a 429 (default 3). */
  rateLimitRetries?: number;
  /** Longest Retry-After kubezt waits for; a longer one fails at once, saying when to retry (default 30 s). */
  maxRetryAfterMs?: number;
  /** Page size asked for on paginated lists (default 50). */
  pageSize?: number;
  onProgress?: (p: CloudflareProgress) => void;
  /**
   * Where the token came from, so an auth failure names the thing to fix: the
   * CLOUDFLARE_API_TOKEN variable, or the token stored by `kubezt login` (the default).
   */
  tokenSource?: 'env' | 'keychain';
  /**
   * Shared across refreshes (the app's background refresh keeps one for its lifetime); every
   * request takes a token from it. None: no budget (a single CLI run is far below the limit).
   */
  budget?: RequestBudget;
  /** Says at once (the CLI: one line on stderr) that kubezt is waiting for a rate limit; once per call. */
  notice?: (sentence: string) => void;
  /**
   * Longest total wait on 429s that carry no Retry-After (default 3 s): Cloudflare did not say
   * how long, so kubezt tries briefly and then says so, rather than backing off for long.
   */
  maxUnhintedWaitMs?: number;
  /** Injected in tests so backoff costs no time; may ignore the signal. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  signal?: AbortSignal;
}

/** What each step needs, in the words of the dashboard's token editor. */
const STEP_PERMISSION: Record<DiscoveryStep, string | undefined> = {
  verify: undefined,
  accounts: undefined,
  tunnels: 'Cloudflare Tunnel Read',
  routes: 'Cloudflare Tunnel Read',
  'virtual-networks': 'Cloudflare Tunnel Read',
  'gateway-lists': 'Zero Trust Read',
  'gateway-list-items': 'Zero Trust Read',
  'gateway-rules': 'Zero Trust Read',
  'split-tunnel': 'Zero Trust Read',
  'tunnel-connections': 'Cloudflare Tunnel Read',
  'gateway-configuration': 'Zero Trust Read',
  'access-organization': 'Access: Organizations, Identity Providers, and Groups Read',
};

const STEP_WHAT: Record<DiscoveryStep, string> = {
  verify: 'verifying the API token',
  accounts: 'listing accounts',
  tunnels: 'listing Cloudflare Tunnels',
  routes: 'listing tunnel routes',
  'virtual-networks': 'listing virtual networks',
  'gateway-lists': 'reading Gateway lists',
  'gateway-list-items': 'reading Gateway list items',
  'gateway-rules': 'reading Gateway policies',
  'split-tunnel': 'reading the WARP split-tunnel settings',
  'tunnel-connections': 'reading tunnel connections',
  'gateway-configuration': 'reading the Gateway TLS decryption settings',
  'access-organization': "reading the account's Zero Trust organization",
};

const MAX_PAGES = 1000;

/** Sleeps, but wakes up early when the signal aborts, so a failed discovery leaves no timer behind. */
export function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) {
      resolve();
      return;
    }
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Removes every occurrence of the secret, whatever produced the text. */
export function redact(text: string, secret: string): string {
  return secret ? text.split(secret).join('[redacted]') : text;
}

/** Rejects tokens that would be refused locally, before they reach a header (where fetch would echo them). */
export function checkToken(token: string): void {
  if (!token) {
    throw new UserError(
      'not-logged-in',
      'No Cloudflare API token is set: run kubezt login or set CLOUDFLARE_API_TOKEN.',
    );
  }
  if (!/^[\x21-\x7e]+$/.test(token)) {
    throw new UserError(
      'bad-input',
      'The Cloudflare API token contains spaces or control characters: copy it again from the dashboard and run kubezt login.',
    );
  }
}

/**
 * The SDK's own environment variables, read by the caller (CLI, app) and passed in: core never
 * reads the environment itself. Throws when CLOUDFLARE_BASE_URL is not a place the token may go.
 */
export function cloudflareOptionsFromEnv(env: Record<string, string | undefined>): {
  token?: string;
  accountId?: string;
  baseURL?: string;
} {
  const pick = (name: string) => {
    const value = env[name]?.trim();
    return value ? value : undefined;
  };
  const token = pick('CLOUDFLARE_API_TOKEN');
  const accountId = pick('CLOUDFLARE_ACCOUNT_ID');
  // Checked like every base URL: the token goes only where resolveCloudflareBaseUrl allows.
  const { url: baseURL } = resolveCloudflareBaseUrl(env);
  return { ...(token ? { token } : {}), ...(accountId ? { accountId } : {}), ...(baseURL ? { baseURL } : {}) };
}

export function createClient(opts: CloudflareApiOptions): Cloudflare {
  checkToken(opts.token);
  return new Cloudflare({
    apiToken: opts.token,
    // The SDK would otherwise pick these up from the environment and send them too.
    apiKey: null,
    apiEmail: null,
    userServiceKey: null,
    baseURL: opts.baseURL ?? DEFAULT_BASE_URL,
    maxRetries: 0,
    timeout: opts.timeoutMs ?? 15_000,
    logLevel: 'off',
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
  });
}

/** Parses Retry-After (seconds or an HTTP date) or the SDK's retry-after-ms, in milliseconds. */
export function retryAfterMs(headers: Headers | undefined, now: number): number | undefined {
  const ms = headers?.get('retry-after-ms');
  if (ms && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const value = headers?.get('retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function apiMessages(e: APIError, token: string): string {
  const messages = e.errors.map((x) => `${x.message ?? ''}${x.code ? ` (code ${x.code})` : ''}`).filter(Boolean);
  return redact(messages.join('; '), token);
}

function seconds(ms: number): string {
  const s = Math.ceil(ms / 1000);
  return s === 1 ? '1 second' : `${s} seconds`;
}

function userError(code: ErrorCode, message: string, e: unknown, token: string): UserError {
  // The cause keeps the SDK's view for bug reports, redacted, without its objects (headers, bodies).
  const detail = e instanceof Error ? `${e.constructor.name}: ${e.message}` : String(e);
  return new UserError(code, redact(message, token), { cause: new Error(redact(detail, token)) });
}

export interface CallContext {
  token: string;
  accountId?: string;
  retries: number;
  rateLimitRetries: number;
  maxRetryAfterMs: number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  progress: (p: CloudflareProgress) => void;
  warn: (w: string) => void;
  signal: AbortSignal | undefined;
  /** Checks the token when a 403 does not say why (Cloudflare uses 403 for revoked tokens too). */
  verify?: () => Promise<'valid' | 'invalid' | 'unknown'>;
  tokenSource: 'env' | 'keychain';
  budget?: RequestBudget;
  /** Called at most once per context (see CloudflareApiOptions.notice). */
  notice: (sentence: string) => void;
  maxUnhintedWaitMs: number;
}

export function callContext(
  opts: CloudflareApiOptions,
  extra: { accountId?: string; warn: (w: string) => void; signal?: AbortSignal },
): CallContext {
  return {
    token: opts.token,
    ...(extra.accountId ? { accountId: extra.accountId } : {}),
    retries: opts.retries ?? 2,
    rateLimitRetries: opts.rateLimitRetries ?? 3,
    maxRetryAfterMs: opts.maxRetryAfterMs ?? 30_000,
    sleep: opts.sleep ?? defaultSleep,
    progress: opts.onProgress ?? (() => {}),
    warn: extra.warn,
    signal: extra.signal ?? opts.signal,
    tokenSource: opts.tokenSource ?? 'keychain',
    ...(opts.budget ? { budget: opts.budget } : {}),
    notice: once(opts.notice ?? (() => {})),
    maxUnhintedWaitMs: opts.maxUnhintedWaitMs ?? 3000,
  };
}

function once(say: (sentence: string) => void): (sentence: string) => void {
  let said = false;
  return (sentence) => {
    if (said) return;
    said = true;
    say(sentence);
  };
}

function transientReason(e: unknown): 'server-error' | 'timeout' | 'connection' | undefined {
  if (e instanceof APIConnectionTimeoutError) return 'timeout';
  if (e instanceof APIUserAbortError) return undefined;
  if (e instanceof APIConnectionError) return 'connection';
  if (e instanceof InternalServerError) return 'server-error';
  return undefined;
}

function backoffMs(attempt: number): number {
  return Math.min(250 * 2 ** (attempt - 1), 4000);
}

class Aborted extends Error {}

/** Runs one API request with kubezt's bounded retry policy; throws UserErrors only. */
export async function withPolicy<T>(ctx: CallContext, step: DiscoveryStep, call: () => Promise<T>): Promise<T> {
  const what = STEP_WHAT[step];
  let failures = 0;
  let rateLimited = 0;
  let unhintedWaited = 0;
  for (;;) {
    if (ctx.signal?.aborted) throw new Aborted();
    await takeBudget(ctx, step);
    try {
      return await call();
    } catch (e) {
      if (ctx.signal?.aborted || e instanceof Aborted) throw new Aborted();
      if (e instanceof RateLimitError) {
        ctx.budget?.drain();
        const hinted = retryAfterMs(e.headers, Date.now());
        const waitMs = hinted ?? Math.min(1000 * 2 ** rateLimited, ctx.maxRetryAfterMs);
        const overUnhinted = hinted === undefined && unhintedWaited + waitMs > ctx.maxUnhintedWaitMs;
        if (waitMs > ctx.maxRetryAfterMs || rateLimited >= ctx.rateLimitRetries || overUnhinted) {
          const when =
            hinted === undefined
              ? 'without saying for how long: wait a minute and try again'
              : `: wait ${seconds(waitMs)} and try again`;
          throw userError(
            'cloudflare-rate-limited',
            `Cloudflare is rate-limiting this API token (HTTP 429) while ${what}${hinted === undefined ? ' ' : ''}${when}.`,
            e,
            ctx.token,
          );
        }
        rateLimited += 1;
        if (hinted === undefined) unhintedWaited += waitMs;
        ctx.progress({ type: 'rate-limited', step, waitMs, attempt: rateLimited });
        ctx.notice(`Cloudflare is rate-limiting this API token: waiting ${seconds(waitMs)} before retrying (${what}).`);
        const how = hinted === undefined ? 'without a Retry-After' : 'as asked';
        ctx.warn(`Cloudflare rate-limited kubezt while ${what}; it waited ${seconds(waitMs)} ${how} and retried.`);
        await ctx.sleep(waitMs, ctx.signal);
        continue;
      }
      const reason = transientReason(e);
      if (reason) {
        if (failures >= ctx.retries) throw unavailable(e, reason, what, failures + 1, ctx.token);
        failures += 1;
        const waitMs = backoffMs(failures);
        const status = e instanceof APIError && typeof e.status === 'number' ? { status: e.status } : {};
        ctx.progress({ type: 'retry', step, reason, ...status, waitMs, attempt: failures });
        await ctx.sleep(waitMs, ctx.signal);
        continue;
      }
      throw await permanentError(e, step, ctx);
    }
  }
}

/** Waits for kubezt's own request budget; a wait longer than any Retry-After kubezt accepts fails. */
async function takeBudget(ctx: CallContext, step: DiscoveryStep): Promise<void> {
  if (!ctx.budget) return;
  const waitMs = ctx.budget.reserve(ctx.maxRetryAfterMs);
  if (waitMs === undefined) {
    throw new UserError(
      'cloudflare-rate-limited',
      `kubezt has used Cloudflare's API budget (1,200 requests per 5 minutes) while ${STEP_WHAT[step]}: wait a few minutes and try again.`,
    );
  }
  if (waitMs === 0) return;
  ctx.progress({ type: 'rate-limited', step, waitMs, attempt: 0 });
  ctx.notice(`Keeping under Cloudflare's rate limit: waiting ${seconds(waitMs)} before ${STEP_WHAT[step]}.`);
  await ctx.sleep(waitMs, ctx.signal);
}

function unavailable(e: unknown, reason: string, what: string, attempts: number, token: string): UserError {
  const tried = `tried ${attempts} time${attempts === 1 ? '' : 's'}`;
  const fix =
    'check your network (and that WARP allows api.cloudflare.com) or https://www.cloudflarestatus.com, then try again';
  const status = e instanceof APIError ? e.status : undefined;
  const message =
    reason === 'timeout'
      ? `The Cloudflare API did not answer in time while ${what} (${tried}): ${fix}.`
      : reason === 'server-error'
        ? `The Cloudflare API failed with HTTP ${status} while ${what} (${tried}): ${fix}.`
        : `The Cloudflare API could not be reached while ${what} (${tried}): ${fix}.`;
  return userError('cloudflare-unavailable', message, e, token);
}

async function permanentError(e: unknown, step: DiscoveryStep, ctx: CallContext): Promise<UserError> {
  const what = STEP_WHAT[step];
  if (e instanceof UserError) return e;
  if (e instanceof AuthenticationError) return authError(e, ctx);
  if (e instanceof PermissionDeniedError) {
    if (e.errors.some((x) => x.code === 9109) && ctx.accountId) {
      return userError(
        'cloudflare-permission',
        `The Cloudflare API token has no access to account ${ctx.accountId}: check the account id (kubezt login --account-id ID) or add the account to the token's account resources.`,
        e,
        ctx.token,
      );
    }
    if (ctx.verify && (await ctx.verify()) === 'invalid') return authError(e, ctx);
    const permission = STEP_PERMISSION[step];
    const need = permission ? `the "${permission}" permission` : 'permission';
    return userError(
      'cloudflare-permission',
      `The Cloudflare API token lacks ${need} needed for ${what}: edit the token in the Cloudflare dashboard (My Profile → API Tokens) to add Account → ${permission ?? 'the missing permission'}, or create a new token and run kubezt login.`,
      e,
      ctx.token,
    );
  }
  if (e instanceof APIError && typeof e.status === 'number') {
    // 400 + 10001 "Unable to authenticate request" (and the header-format codes) is a token
    // Cloudflare cannot read: an auth failure, never "Cloudflare unavailable" behind the cache.
    if (e.status === 400 && e.errors.some((x) => AUTH_400_CODES.has(Number(x.code)))) return authError(e, ctx);
    if ((e.status === 400 || e.status === 404) && e.errors.some((x) => x.code === 7003) && ctx.accountId) {
      return userError(
        'not-found',
        `Cloudflare does not know account ${ctx.accountId}: copy the account id from the Zero Trust dashboard URL and run kubezt login --account-id ID.`,
        e,
        ctx.token,
      );
    }
    const detail = apiMessages(e, ctx.token);
    return userError(
      'cloudflare-unavailable',
      `Cloudflare refused the request while ${what} (HTTP ${e.status}${detail ? `: ${detail}` : ''}): try again later, and report it if it persists.`,
      e,
      ctx.token,
    );
  }
  return userError(
    'cloudflare-unavailable',
    `The Cloudflare API failed unexpectedly while ${what}: try again, and report it if it persists.`,
    e,
    ctx.token,
  );
}

function authError(e: unknown, ctx: Pick<CallContext, 'token' | 'tokenSource'>): UserError {
  const which =
    ctx.tokenSource === 'env' ? 'The Cloudflare API token in CLOUDFLARE_API_TOKEN' : 'The Cloudflare API token';
  // A 400 is not obviously about the token: Cloudflare's own words say it is.
  const said = e instanceof APIError && e.status === 400 ? apiMessages(e, ctx.token) : '';
  return userError(
    'cloudflare-auth',
    `${which} is invalid or expired${said ? ` (Cloudflare: ${said})` : ''}: ${tokenFix(ctx.tokenSource)}.`,
    e,
    ctx.token,
  );
}

/**
 * Every item of a paginated list, fetched page by page through the SDK's own pagination
 * (`hasNextPage`/`getNextPage`, which stop on an empty page), each page under the retry policy,
 * so a failure on page 3 retries page 3 rather than starting over.
 */
export async function allPages<Item>(
  ctx: CallContext,
  step: DiscoveryStep,
  first: () => PromiseLike<AbstractPage<Item>>,
): Promise<{ items: Item[]; pages: number }> {
  let page = await withPolicy(ctx, step, async () => first());
  const items = [...pageItems(page, step)];
  let pages = 1;
  ctx.progress({ type: 'page', step, page: pages, items: items.length });
  while (page.hasNextPage()) {
    if (pages >= MAX_PAGES) {
      throw new UserError(
        'cloudflare-unavailable',
        `Cloudflare kept returning pages while ${STEP_WHAT[step]} (over ${MAX_PAGES}): try again later, and report it if it persists.`,
      );
    }
    const current = page;
    page = await withPolicy(ctx, step, () => current.getNextPage());
    for (const item of pageItems(page, step)) items.push(item);
    pages += 1;
    ctx.progress({ type: 'page', step, page: pages, items: items.length });
  }
  return { items, pages };
}

/**
 * A page's items. The SDK takes `result` as it comes; a list answer whose `result` is not a list
 * is an answer kubezt cannot read, never an empty list (which would read as "no clusters").
 */
function pageItems<Item>(page: AbstractPage<Item>, step: DiscoveryStep): Item[] {
  const items: unknown = page.getPaginatedItems();
  if (!Array.isArray(items)) {
    throw new UserError(
      'cloudflare-unavailable',
      `Cloudflare answered with something that is not a list while ${STEP_WHAT[step]}: try again later, and report it if it persists.`,
    );
  }
  return items;
}

export function isAborted(e: unknown): boolean {
  return e instanceof Aborted;
}
