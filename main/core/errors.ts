/**
 * Errors that reach a user. `UserError` is bad input or a refused operation: the CLI prints its
 * message as one sentence and exits 2, the app shows it as an error state. Anything else that
 * escapes is a bug and is reported as such.
 */
export type ErrorCode =
  | 'bad-usage'
  | 'bad-input'
  | 'kubeconfig-invalid'
  | 'kubeconfig-locked'
  | 'kubeconfig-changed'
  | 'kubeconfig-conflict'
  | 'kubeconfig-readonly'
  | 'catalog-invalid'
  | 'settings-invalid'
  | 'not-found'
  | 'cloudflare-auth'
  | 'cloudflare-permission'
  | 'cloudflare-rate-limited'
  | 'cloudflare-unavailable'
  | 'keychain-unavailable'
  | 'not-logged-in'
  | 'warp-switch-failed';

export class UserError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UserError';
    this.code = code;
  }
}

export function isUserError(e: unknown): e is UserError {
  return e instanceof UserError;
}
