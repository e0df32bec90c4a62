/**
 * Runs `work` with a signal that aborts after `ms` or when `parent` aborts, and settles no later
 * than that even if `work` ignores the signal: a step that hangs must never hang the ladder.
 */
export class DeadlineError extends Error {
  readonly ms: number;
  constructor(ms: number) {
    super(`no answer within ${ms} ms`);
    this.name = 'DeadlineError';
    this.ms = ms;
  }
}

// One reason for every step that ends normally: an Error per step (with its stack) costs real
// CPU when a fleet runs hundreds of steps at once.
const STEP_FINISHED = new Error('step finished');

export async function withDeadline<T>(
  ms: number,
  parent: AbortSignal | undefined,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let onParentAbort: (() => void) | undefined;
  const deadline = new Promise<never>((_, reject) => {
    const fire = () => {
      const err = new DeadlineError(ms);
      controller.abort(err);
      reject(err);
    };
    timer = setTimeout(fire, Math.max(0, ms));
    if (parent) {
      onParentAbort = fire;
      if (parent.aborted) fire();
      else parent.addEventListener('abort', onParentAbort, { once: true });
    }
  });
  try {
    return await Promise.race([work(controller.signal), deadline]);
  } finally {
    clearTimeout(timer);
    if (parent && onParentAbort) parent.removeEventListener('abort', onParentAbort);
    // Whatever `work` still holds open (a socket, a child) is told to stop.
    if (!controller.signal.aborted) controller.abort(STEP_FINISHED);
  }
}
