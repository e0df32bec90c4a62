/** IPC schemas for the setup wizard and context switching (see ipc/contract.ts). */
import { z } from 'zod';
import { clusterName, contextName, filePath, longText, shortText } from './common.ts';

export const SetupSourcesSchema = z.strictObject({
  cloudflare: z.boolean(),
  catalogPath: filePath.nullable(),
});
export type SetupSources = z.infer<typeof SetupSourcesSchema>;

export const SetupInputSchema = z.strictObject({
  sources: SetupSourcesSchema.refine((s) => s.cloudflare || s.catalogPath !== null, {
    message: 'choose at least one source: Cloudflare discovery or a catalog file',
  }),
  /** Clusters to write; null = every candidate (the first preview). */
  selected: z.array(clusterName).max(5_000).nullable(),
  /** Certificates the user confirmed (trust on first use), by SHA-256 fingerprint. */
  trust: z
    .array(z.strictObject({ cluster: clusterName, sha256: z.string().regex(/^[0-9A-F]{2}(?::[0-9A-F]{2}){31}$/) }))
    .max(5_000),
});
export type SetupInput = z.infer<typeof SetupInputSchema>;

export const CaStatusSchema = z.enum([
  /** The catalog gave a CA. */
  'provided',
  /** A fingerprint the user confirmed is pinned. */
  'trusted',
  /** No CA known: show the fingerprint, ask. */
  'needs-confirmation',
  /** The chain comes from a Cloudflare Gateway CA (interception) or could not be used. */
  'refused',
  /** The server could not be reached to fetch its certificate. */
  'unavailable',
]);

export const SetupCandidateSchema = z.object({
  name: clusterName,
  sources: z.array(z.enum(['catalog', 'cloudflare'])).max(2),
  server: z.string().max(300).nullable(),
  ips: z.array(z.string().max(64)).max(16),
  contextName: contextName,
  ca: z.object({
    status: CaStatusSchema,
    sha256: z.string().max(200).nullable(),
    subject: z.string().max(1_000).nullable(),
    issuer: z.string().max(1_000).nullable(),
    /** Why it was refused or unavailable. */
    reason: shortText.nullable(),
  }),
  /** What applying would do to this cluster's entries. */
  plan: z.enum(['add', 'update', 'unchanged', 'blocked']),
});
export type SetupCandidate = z.infer<typeof SetupCandidateSchema>;

export const ChangeSchema = z.object({
  action: z.enum(['added', 'updated', 'removed', 'unchanged']),
  kind: z.enum(['context', 'cluster', 'user', 'current-context']),
  name: z.string().max(300),
  file: filePath,
  /** As the CLI prints it: "added context zt-prod-us". */
  message: shortText,
});
export type Change = z.infer<typeof ChangeSchema>;

export const SetupPreviewSchema = z.object({
  candidates: z.array(SetupCandidateSchema).max(5_000),
  /** The file(s) that would be written. */
  files: z.array(filePath).max(50),
  /** Unified diff of every file that would change; empty when nothing would. */
  diff: longText,
  changes: z.array(ChangeSchema),
  warnings: z.array(shortText).max(100),
});
export type SetupPreview = z.infer<typeof SetupPreviewSchema>;

export const SetupResultSchema = z.object({
  changes: z.array(ChangeSchema),
  files: z.array(filePath).max(50),
  backups: z.array(filePath).max(50),
});
export type SetupResult = z.infer<typeof SetupResultSchema>;

export const UseContextResultSchema = z.object({
  context: contextName,
  previous: contextName.nullable(),
  file: filePath,
});
export type UseContextResult = z.infer<typeof UseContextResultSchema>;
