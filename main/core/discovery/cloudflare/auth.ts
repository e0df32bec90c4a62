/**
 * What makes a Cloudflare answer an auth failure beyond 401/403, and how to say the fix for a
 * refused token, naming where the token came from.
 */

/** 10001 "Unable to authenticate request", 6003/6111 malformed Authorization header, 9106 missing. */
export const AUTH_400_CODES: ReadonlySet<number> = new Set([10001, 6003, 6111, 9106]);

const NEW_TOKEN = 'create a new token (Account → Cloudflare Tunnel Read, Zero Trust Read)';

/** The fix for a token Cloudflare refuses, naming where the token came from. */
export function tokenFix(source: 'env' | 'keychain'): string {
  return source === 'env'
    ? 'set CLOUDFLARE_API_TOKEN to a new token (Account → Cloudflare Tunnel Read, Zero Trust Read), or unset it to use the token stored by kubezt login'
    : `${NEW_TOKEN} and run kubezt login`;
}
