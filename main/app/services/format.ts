import type { ReportFormat, SettingsPatchRequest } from '../../../ipc/contract.ts';
import type { SettingsPatch } from '../../core/settings/schema.ts';

/** IPC patches clear with null; the domain's SettingsPatch clears with undefined. */
export function toSettingsPatch(patch: SettingsPatchRequest): SettingsPatch {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    out[key] = value === null ? undefined : value;
  }
  return out as SettingsPatch;
}

/** `kubezt-report-20260129-101500.md`: sortable, no characters any file system minds. */
export function reportFileName(generatedAt: string, format: ReportFormat): string {
  const d = new Date(generatedAt);
  const stamp = Number.isNaN(d.getTime())
    ? 'unknown-time'
    : d
        .toISOString()
        .replace(/\.\d+Z$/, '')
        .replace(/[-:]/g, '')
        .replace('T', '-');
  return `kubezt-report-${stamp}.${format === 'markdown' ? 'md' : 'json'}`;
}
