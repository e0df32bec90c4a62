/**
 * The Gateway audit findings among discovery warnings: they hold until an admin changes the
 * account's policies, so the front ends show them by the policy of warning-memory.ts. Kept apart
 * from that module so the cached inventory can pick them out without loading node:crypto.
 */

/** The openings of the Gateway audit sentences written by core/discovery/cloudflare. */
const AUDIT_OPENINGS: readonly string[] = [
  'No enabled Gateway "Do Not Inspect" HTTP policy covers ',
  'No Do Not Inspect rule covers ',
];

export function isGatewayAuditWarning(warning: string): boolean {
  return AUDIT_OPENINGS.some((o) => warning.startsWith(o));
}
