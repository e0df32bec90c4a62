/**
 * The fake `warp-cli` executable (run through the sh wrapper in bin/ or the one startFakeWarp
 * writes). Reads its state from the JSON file named by KUBEZT_FAKE_WARP_STATE on every call; in
 * `-l status` it keeps running and prints an update whenever the file changes, until killed.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { listenUpdate, planCall } from './outputs.ts';
import type { FakeWarpState } from './types.ts';

const statePath = process.env.KUBEZT_FAKE_WARP_STATE;

function readState(): Partial<FakeWarpState> {
  if (!statePath) return {};
  try {
    return JSON.parse(readFileSync(statePath, 'utf8')) as Partial<FakeWarpState>;
  } catch {
    // Mid-write or missing: the defaults (connected) until the next read.
    return {};
  }
}

/** Applies a command's change to the state file (read, merge, atomic replace). */
function writeState(change: Partial<FakeWarpState>): void {
  if (!statePath) return;
  const tmp = `${statePath}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify({ ...readState(), ...change }, null, 2));
  renameSync(tmp, statePath);
}

function hangForever(): void {
  // A pending timer keeps the process alive; only a signal ends it (as with a stuck client).
  setInterval(() => {}, 1 << 30);
}

const WATCH_MS = 40;

function listen(json: boolean): void {
  let last = '';
  const tick = () => {
    const state = readState();
    if (state.hang) {
      last = '';
      return;
    }
    const update = listenUpdate(state, json);
    if (update.text !== last) {
      last = update.text;
      process.stdout.write(update.text);
    }
    if (update.end) {
      clearInterval(timer);
      process.exitCode = update.code;
    }
  };
  const timer = setInterval(tick, WATCH_MS);
  tick();
}

const plan = planCall(process.argv.slice(2), readState());
switch (plan.kind) {
  case 'hang':
    hangForever();
    break;
  case 'listen':
    listen(plan.json);
    break;
  default:
    if (plan.write) writeState(plan.write);
    process.stdout.write(plan.output.stdout);
    process.stderr.write(plan.output.stderr);
    process.exitCode = plan.output.code;
}
