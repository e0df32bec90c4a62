import type { Command } from '../command.ts';
import { clustersCommand } from './clusters.ts';
import { demoCommand } from './demo.ts';
import { loginCommand } from './login.ts';
import { logoutCommand } from './logout.ts';

/**
 * Every command the CLI offers, in `--help` order. A command is listed only once it works:
 * add its module here in the same change that implements it.
 */
export const commands: readonly Command[] = [clustersCommand, loginCommand, logoutCommand, demoCommand];
