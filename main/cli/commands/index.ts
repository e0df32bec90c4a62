import type { Command } from '../command.ts';
import { clustersCommand } from './clusters.ts';
import { demoCommand } from './demo.ts';
import { loginCommand } from './login.ts';
import { logoutCommand } from './logout.ts';
import { setupCommand } from './setup.ts';
import { useCommand } from './use.ts';
import { warpCommand } from './warp.ts';

/**
 * Every command the CLI offers, in `--help` order (the spec's). A command is listed only once it
 * works: add its module here in the same change that implements it.
 */
export const commands: readonly Command[] = [
  warpCommand,
  clustersCommand,
  setupCommand,
  useCommand,
  loginCommand,
  logoutCommand,
  demoCommand,
];
