/** Building blocks the IPC schemas share: bounded strings, names, times. */
import { z } from 'zod';

export const clusterName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'a cluster name is [a-z0-9-], 1 to 63 characters');
/** Kubeconfig context names are free-form in kubectl; we only bound them and forbid control characters. */
export const contextName = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[^\p{Cc}]+$/u, 'a context name has no control characters');
export const isoTime = z.string().max(40);
export const shortText = z.string().max(2_000);
export const longText = z.string().max(2_000_000);
export const filePath = z.string().min(1).max(4096);
export const ms = z.number().nonnegative().finite();
export const accountId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'an account id is letters, digits, "-" or "_"');
export { NAMESPACE_PATTERN } from '../namespace.ts';
