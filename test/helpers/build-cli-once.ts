import { buildCli } from '../../scripts/build-cli.ts';

/**
 * Vitest global setup for the node project: builds out/cli before any test runs, so every test
 * that spawns bin/kubezt.js runs the bundle users run, never a half-written one.
 */
export default async function setup(): Promise<void> {
  await buildCli();
}
