import path from 'node:path';
import fc from 'fast-check';

/**
 * How the property tests run. `npm test` (CI) uses a fixed seed, each property's own number of
 * runs and a time budget per property, so a run is reproducible and bounded. `npm run test:fuzz`
 * (or `node scripts/fuzz.ts --runs N --seed S`) sets these variables to run longer, with a
 * random seed unless one is given; a failure prints its seed and path, which replay it:
 * `node scripts/fuzz.ts --seed S --path P test/property/x.test.ts`.
 */
const env = process.env;
const int = (name: string): number | undefined => {
  const v = env[name];
  return v !== undefined && /^-?\d+$/.test(v) ? Number(v) : undefined;
};

export const FUZZ = {
  seed: int('KUBEZT_FUZZ_SEED') ?? 11_2024,
  /** Runs of every property; unset in CI, where each property runs its own count. */
  runs: int('KUBEZT_FUZZ_RUNS'),
  /** Per property, in ms: past it the property stops with the runs done so far. */
  timeLimitMs: int('KUBEZT_FUZZ_TIME_MS') ?? 10_000,
  path: env.KUBEZT_FUZZ_PATH,
};

/** fc.assert parameters for a property that runs `runs` times in CI. */
export function fuzzParams<T>(runs: number): fc.Parameters<T> {
  return {
    seed: FUZZ.seed,
    numRuns: Math.max(1, FUZZ.runs ?? runs),
    plugins: [fc.interruptAfterTimeLimit(FUZZ.timeLimitMs)],
    ...(FUZZ.path ? { path: FUZZ.path } : {}),
  };
}

/** The vitest timeout for a property: its budget plus room for setup. */
export const PROPERTY_TIMEOUT_MS = FUZZ.timeLimitMs + 30_000;

export const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
/** The shared corpus of real files, read in place (CI has shared/ beside the clone). */
export const CORPUS = path.resolve(REPO_ROOT, '../shared/corpus');

/** One sentence: no line break, ends with a period or a question mark. */
export function isOneSentence(message: string): boolean {
  return !/[\n\r\u2028\u2029]/.test(message) && /[.?]\)?$/.test(message) && message.length < 2_000;
}
