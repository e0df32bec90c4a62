// The property tests (test/property), run long: `npm run test:fuzz`, or
//
//   node scripts/fuzz.ts [--runs N] [--seed S] [--time-ms T] [--rounds K] [--path P] [FILES...]
//
// --runs    runs of every property (default 2,000; CI runs each property's own, smaller count)
// --seed    the seed of the first round (default: random); later rounds take fresh random seeds
// --time-ms budget per property, in ms (default 120,000); past it a property stops, passing
// --rounds  rounds one after the other, each with its own seed (default 1)
// --path    with --seed: replays the failure fast-check printed (its seed and path)
// FILES     property test files (default: all of test/property)
//
// Every round prints its seed first, so any failure can be replayed. Exits 1 on the first
// failing round.
import { spawnSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
const VITEST = path.join(ROOT, 'node_modules', '.bin', 'vitest');

interface Options {
  runs: number;
  seed?: number;
  timeMs: number;
  rounds: number;
  path?: string;
  files: string[];
}

function usage(problem: string): never {
  console.error(
    `fuzz: ${problem}; usage: node scripts/fuzz.ts [--runs N] [--seed S] [--time-ms T] [--rounds K] [--path P] [FILES...]`,
  );
  process.exit(2);
}

function parse(argv: string[]): Options {
  const o: Options = { runs: 2000, timeMs: 120_000, rounds: 1, files: [] };
  const int = (flag: string, v: string | undefined) => {
    if (v === undefined || !/^-?\d+$/.test(v)) usage(`${flag} takes a whole number`);
    return Number(v);
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--runs') o.runs = int(a, argv[++i]);
    else if (a === '--seed') o.seed = int(a, argv[++i]);
    else if (a === '--time-ms') o.timeMs = int(a, argv[++i]);
    else if (a === '--rounds') o.rounds = int(a, argv[++i]);
    else if (a === '--path') o.path = argv[++i] ?? usage('--path takes the path fast-check printed');
    else if (a.startsWith('-')) usage(`unknown option ${a}`);
    else o.files.push(a);
  }
  if (o.runs < 1 || o.rounds < 1 || o.timeMs < 1) usage('--runs, --rounds and --time-ms must be positive');
  return o;
}

const o = parse(process.argv.slice(2));
for (let round = 1; round <= o.rounds; round++) {
  const seed = round === 1 && o.seed !== undefined ? o.seed : randomInt(2 ** 31);
  console.log(`\n==> fuzz round ${round}/${o.rounds}: seed ${seed}, ${o.runs} runs, ${o.timeMs} ms per property`);
  const r = spawnSync(VITEST, ['run', '--project', 'node', ...(o.files.length > 0 ? o.files : ['test/property'])], {
    cwd: ROOT,
    stdio: 'inherit',
    env: {
      ...process.env,
      KUBEZT_FUZZ_SEED: String(seed),
      KUBEZT_FUZZ_RUNS: String(o.runs),
      KUBEZT_FUZZ_TIME_MS: String(o.timeMs),
      ...(o.path ? { KUBEZT_FUZZ_PATH: o.path } : {}),
    },
  });
  if (r.status !== 0) {
    console.error(
      `\nfuzz: round ${round} failed with seed ${seed}; replay it with --seed ${seed} (and --path from the report).`,
    );
    process.exit(1);
  }
}
