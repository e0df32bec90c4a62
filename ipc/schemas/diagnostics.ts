/** IPC schemas for diagnostics reports and the environment view (see ipc/contract.ts). */
import { z } from 'zod';
import { filePath, longText, shortText } from './common.ts';

export const ReportFormatSchema = z.enum(['markdown', 'json']);
export type ReportFormat = z.infer<typeof ReportFormatSchema>;

export const ExportedReportSchema = z.object({
  format: ReportFormatSchema,
  fileName: z.string().max(200),
  content: longText,
});
export type ExportedReport = z.infer<typeof ExportedReportSchema>;

export const EnvironmentSchema = z.object({
  kubeconfig: z.object({
    /** Every file kubectl reads, in order. */
    paths: z.array(filePath).min(1).max(50),
    /** Where that list came from. */
    source: z.enum(['setting', 'env', 'login-shell', 'default']),
    /** Where new entries go (kubectl's rule). */
    writeTarget: filePath,
  }),
  loginShell: z.object({
    status: z.enum(['ok', 'timeout', 'failed', 'skipped']),
    shell: z.string().max(300).nullable(),
    detail: shortText.nullable(),
    /** PATH / KUBECONFIG were taken from the login shell. */
    pathFromShell: z.boolean(),
    kubeconfigFromShell: z.boolean(),
  }),
  settingsFile: filePath.nullable(),
  appVersion: z.string().max(50),
  platform: z.string().max(20),
  kubectl: z.object({ path: z.string().max(4096).nullable(), version: z.string().max(100).nullable() }),
});
export type Environment = z.infer<typeof EnvironmentSchema>;
