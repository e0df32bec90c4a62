import type { Command } from '../command.ts';
import { demoCommand } from './demo.ts';

/**
 * Every command the CLI offers, in `--help` order. A command is listed only once it works:
 * add its module here in the same change that implements it.
 */
export const commands: readonly Command[] = [demoCommand];
