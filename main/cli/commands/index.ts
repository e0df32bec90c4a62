import type { Command } from '../command.ts';
import { checkCommand } from './check.ts';
import { clustersCommand } from './clusters.ts';
import { demoCommand } from './demo.ts';
import { diagnoseCommand } from './diagnose.ts';
import { loginCommand } from './login.ts';
import { logoutCommand } from './logout.ts';
import { setupCommand } from './setup.ts';
import { statusCommand } from './status.ts';
import { useCommand } from './use.ts';
import { warpCommand } from './warp.ts';

/**
 * Every command the CLI offers, in `--help` order (the spec's). A command is listed only once it
 * works: add its module here in the same change that implements it.
 */
export const commands: readonly Command[] = [
  statusCommand,
  warpCommand,
  clustersCommand,
  setupCommand,
  useCommand,
  checkCommand,
  diagnoseCommand,
  loginCommand,
  logoutCommand,
  demoCommand,
];
