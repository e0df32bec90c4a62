/**
 * How a credential's expiry is judged and worded: the dashboard's row, the tray, notifications,
 * the verdicts and the CLI's tables say it alike. Pure and dependency-free, so the renderer (through ipc/contract.ts) and
 * main both import this one module.
 */

export type CredentialKind = 'client-certificate' | 'token' | 'exec';

const DAY = 86_400_000;

/** Credentials expiring sooner than this deserve a warning. */
export const EXPIRING_WITHIN_MS = 7 * DAY;

export type ExpiryState = 'expired' | 'expiring' | 'valid';

export function expiryState(expiry: { expiresAt: string }, now: Date): ExpiryState {
  const left = Date.parse(expiry.expiresAt) - now.getTime();
  if (left <= 0) return 'expired';
  return left < EXPIRING_WITHIN_MS ? 'expiring' : 'valid';
}

function amount(ms: number): string {
  const unit = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  if (ms < 60_000) return 'less than a minute';
  if (ms < 2 * 3_600_000) return unit(Math.floor(ms / 60_000), 'minute');
  if (ms < 2 * DAY) return unit(Math.floor(ms / 3_600_000), 'hour');
  return unit(Math.floor(ms / DAY), 'day');
}

/** "expires in 3 days", "expired 2 hours ago". */
export function formatExpiry(expiresAt: string, now: Date): string {
  const left = Date.parse(expiresAt) - now.getTime();
  return left > 0 ? `expires in ${amount(left)}` : `expired ${amount(-left)} ago`;
}

const SHORT: Record<CredentialKind, string> = {
  'client-certificate': 'certificate',
  token: 'token',
  exec: 'exec credential',
};

/** "certificate expires in 3 days", "token expired 2 hours ago": one phrase for lists and tooltips. */
export function expiryPhrase(expiry: { kind: CredentialKind; expiresAt: string }, now: Date): string {
  return `${SHORT[expiry.kind]} ${formatExpiry(expiry.expiresAt, now)}`;
}
