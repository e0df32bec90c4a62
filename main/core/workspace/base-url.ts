/**
 * Where the Cloudflare API token may be sent. CLOUDFLARE_BASE_URL (the SDK's own variable) is
 * honoured only for Cloudflare's API itself, for a loopback address (the simulator, the demo,
 * tests: plain http is allowed there and nowhere else), or for the one URL the user names in
 * KUBEZT_ALLOW_BASE_URL. Anything else is refused before the token is read or sent.
 */
import { UserError } from '../errors.ts';

/** Cloudflare's v4 API, as the SDK calls it by default. */
export const CLOUDFLARE_API_URL = 'https://api.cloudflare.com/client/v4';

export const BASE_URL_ENV_VAR = 'CLOUDFLARE_BASE_URL';
export const ALLOW_BASE_URL_ENV_VAR = 'KUBEZT_ALLOW_BASE_URL';

export interface CloudflareBaseUrl {
  /** The URL to give the SDK; undefined for Cloudflare's own API (the SDK's default). */
  url?: string;
  /** One sentence to show whenever the URL is not Cloudflare's API. */
  warning?: string;
}

function nonEmpty(v: string | undefined): string | undefined {
  const t = v?.trim();
  return t ? t : undefined;
}

/** 127.0.0.0/8, ::1 and localhost, as the WHATWG URL parser writes hosts (127.1 → 127.0.0.1). */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

function isCloudflareApi(u: URL): boolean {
  return (
    u.protocol === 'https:' &&
    u.hostname === 'api.cloudflare.com' &&
    u.port === '' &&
    (u.pathname === '/client/v4' || u.pathname === '/client/v4/') &&
    u.search === '' &&
    u.hash === ''
  );
}

function sameUrl(a: string, b: URL): boolean {
  try {
    return new URL(a).href === b.href;
  } catch {
    return false;
  }
}

const refuse = (why: string) => new UserError('bad-input', why);

/**
 * Reads CLOUDFLARE_BASE_URL from `env` and decides whether the token may go there; throws a
 * `bad-input` UserError (one sentence, never the URL's user name or password) when it may not.
 */
export function resolveCloudflareBaseUrl(env: Record<string, string | undefined>): CloudflareBaseUrl {
  const raw = nonEmpty(env[BASE_URL_ENV_VAR]);
  if (raw === undefined) return {};
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    // Not echoed: whatever was pasted there may be a secret.
    throw refuse(
      `${BASE_URL_ENV_VAR} is not a URL; unset it to use Cloudflare's API (${CLOUDFLARE_API_URL}), or give a full URL such as http://127.0.0.1:8787/client/v4.`,
    );
  }
  if (u.username || u.password) {
    throw refuse(
      `${BASE_URL_ENV_VAR} holds a user name or password, which kubezt will not send anywhere; remove them from the URL, or unset it to use Cloudflare's API.`,
    );
  }
  if (isCloudflareApi(u)) return {};
  const shown = `${u.protocol}//${u.host}${u.pathname}`;
  const loopback = isLoopbackHost(u.hostname);
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && loopback)) {
    throw refuse(
      `${BASE_URL_ENV_VAR} (${shown}) is not https, which kubezt allows only for a loopback address, so your Cloudflare API token is not sent there; use an https URL, or unset it to use Cloudflare's API.`,
    );
  }
  if (!loopback && !sameUrl(env[ALLOW_BASE_URL_ENV_VAR]?.trim() ?? '', u)) {
    throw refuse(
      `${BASE_URL_ENV_VAR} (${shown}) is neither Cloudflare's API (${CLOUDFLARE_API_URL}) nor a loopback address, so kubezt does not send your API token there; unset it, or set ${ALLOW_BASE_URL_ENV_VAR} to exactly that URL if you trust it.`,
    );
  }
  return {
    url: raw,
    warning: `${BASE_URL_ENV_VAR} points kubezt at ${shown} instead of Cloudflare's API (${CLOUDFLARE_API_URL}): your Cloudflare API token is sent there.`,
  };
}
