/**
 * Cloudflare allows 1,200 API requests per 5 minutes per user (all tokens together). A token
 * bucket of that size, refilled continuously, keeps background refreshes under the limit: each
 * request reserves a token; when none is left, the caller is told how long to wait for one.
 * Reservations may run into debt, so concurrent requests queue fairly instead of all waking at
 * the same instant. The clock is injected: tests drive time, never sleep.
 */

export const CLOUDFLARE_REQUEST_LIMIT = 1200;
export const CLOUDFLARE_LIMIT_WINDOW_MS = 5 * 60_000;

export interface RequestBudgetOptions {
  /** Requests allowed per window (default 1,200). */
  capacity?: number;
  /** The window the capacity refills over (default 5 minutes). */
  windowMs?: number;
  /** Milliseconds since any fixed origin (Date.now, performance.now, a test clock). */
  now: () => number;
}

export class RequestBudget {
  readonly capacity: number;
  readonly #perMs: number;
  readonly #now: () => number;
  #tokens: number;
  #at: number;

  constructor(opts: RequestBudgetOptions) {
    this.capacity = opts.capacity ?? CLOUDFLARE_REQUEST_LIMIT;
    const windowMs = opts.windowMs ?? CLOUDFLARE_LIMIT_WINDOW_MS;
    if (!(this.capacity > 0) || !(windowMs > 0)) throw new RangeError('capacity and windowMs must be positive');
    this.#perMs = this.capacity / windowMs;
    this.#now = opts.now;
    this.#tokens = this.capacity;
    this.#at = opts.now();
  }

  #refill(): void {
    const now = this.#now();
    // A clock that goes backwards (a test, a suspended laptop) must not mint tokens.
    const elapsed = Math.max(0, now - this.#at);
    this.#tokens = Math.min(this.capacity, this.#tokens + elapsed * this.#perMs);
    this.#at = Math.max(this.#at, now);
  }

  /** Tokens available now (may be negative while reservations are in debt). */
  available(): number {
    this.#refill();
    return this.#tokens;
  }

  /**
   * Takes one token and returns how long to wait before sending the request (0: at once).
   * `maxWaitMs`: when the wait would be longer, nothing is taken and `undefined` is returned.
   */
  reserve(maxWaitMs = Number.POSITIVE_INFINITY): number | undefined {
    this.#refill();
    const after = this.#tokens - 1;
    const waitMs = after >= 0 ? 0 : Math.ceil(-after / this.#perMs);
    if (waitMs > maxWaitMs) return undefined;
    this.#tokens = after;
    return waitMs;
  }

  /** Cloudflare said 429: whatever kubezt counted, the account's budget is spent for now. */
  drain(): void {
    this.#refill();
    this.#tokens = Math.min(this.#tokens, 0);
  }
}
