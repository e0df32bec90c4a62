/**
 * index.ts imports this module first, so the app's V8 flags (main/app/v8-flags.ts) apply before
 * any of the app's own modules runs and long before client-node loads (lazily, at the first
 * check). In the bundle the npm packages it imports statically are still evaluated before
 * (ES modules evaluate dependencies first); bench/soak applies the flags at that same point.
 */
import { applyAppV8Flags } from '../app/v8-flags.ts';

applyAppV8Flags();
