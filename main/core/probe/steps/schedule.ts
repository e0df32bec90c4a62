import { DeadlineError, withDeadline } from '../deadline.ts';
import { STEP_ORDER, type StepName, type StepResult } from '../types.ts';
import { fail, type StepOutcome, since, skip } from './outcome.ts';
import type { LadderState, Step } from './state.ts';

interface Timed {
  outcome: StepOutcome;
  durationMs: number;
}

/** A step started (or waiting on the one before it); null when it did not run. */
export interface Running {
  name: StepName;
  task: Promise<Timed | null>;
}

/** Runs one step now, under min(step deadline, what is left of the ladder's); null when out of time. */
async function runStep(
  step: Step,
  state: LadderState,
  { endBy, stepTimeoutMs, signal: ladder }: { endBy: number; stepTimeoutMs: number; signal: AbortSignal },
): Promise<Timed | null> {
  const started = performance.now();
  const left = endBy - started;
  if (left <= 0 || ladder.aborted) return null;
  const budget = Math.min(stepTimeoutMs, left);
  let outcome: StepOutcome;
  try {
    outcome = await withDeadline(budget, ladder, (signal) => step.run(state, signal, budget));
  } catch (e) {
    outcome =
      e instanceof DeadlineError
        ? step.onDeadline(state, budget)
        : fail(
            'http-error',
            `Unexpected error: ${(e as Error).message ?? String(e)}.`,
            'Retry; if it persists, report it.',
          );
  }
  return { outcome, durationMs: since(started) };
}

/** Every step, in ladder order: a ladder cut short by an abort still reports the steps it did not reach. */
function inLadderOrder(steps: StepResult[]): StepResult[] {
  for (const name of STEP_ORDER) {
    if (!steps.some((s) => s.step === name))
      steps.push({ step: name, status: 'skip', reason: 'deadline', durationMs: 0, detail: 'Not run.' });
  }
  return steps.sort((a, b) => STEP_ORDER.indexOf(a.step) - STEP_ORDER.indexOf(b.step));
}

const STEP_FAILED = new Error('a step failed');

export interface Schedule {
  /** Starts `step` now. */
  start(step: Step): Running;
  /** Runs `step` once `before` has passed (not failed, not out of time). */
  after(before: Running, step: Step): Running;
  /** Awaits each step in turn and records it; every step after the first failure is `skip`. */
  report(ladderSteps: readonly Running[]): Promise<void>;
  /** What was recorded, every step of STEP_ORDER in ladder order. */
  steps(): StepResult[];
}

/**
 * How a ladder's steps run and are reported: started as the orchestrator says (at once, or after
 * another), reported in ladder order, the ladder's work aborted on the first failure.
 */
export function createSchedule(
  state: LadderState,
  limits: { endBy: number; stepTimeoutMs: number; ladderTimeoutMs: number },
  ladder: AbortController,
  onStep: ((result: StepResult) => void) | undefined,
): Schedule {
  const recorded: StepResult[] = [];
  let failedAt: StepName | undefined;
  const record = (step: StepName, timed: Timed | null) => {
    const result: StepResult = failedAt
      ? { step, durationMs: 0, ...skip('skipped', `Skipped because the ${failedAt} step failed.`) }
      : timed
        ? { step, durationMs: timed.durationMs, ...timed.outcome }
        : {
            step,
            durationMs: 0,
            ...skip('deadline', `Skipped: the check ran out of time (${limits.ladderTimeoutMs} ms).`),
          };
    recorded.push(result);
    if (result.status === 'fail' && !failedAt) {
      failedAt = step;
      ladder.abort(STEP_FAILED);
    }
    onStep?.(result);
  };
  const start = (step: Step): Running => ({
    name: step.name,
    task: runStep(step, state, { endBy: limits.endBy, stepTimeoutMs: limits.stepTimeoutMs, signal: ladder.signal }),
  });
  return {
    start,
    after: (before, step) => ({
      name: step.name,
      task: before.task.then((b) =>
        !b || b.outcome.status === 'fail' || ladder.signal.aborted ? null : start(step).task,
      ),
    }),
    async report(ladderSteps) {
      for (const { name, task } of ladderSteps) record(name, failedAt ? null : await task);
    },
    steps: () => inLadderOrder(recorded),
  };
}
