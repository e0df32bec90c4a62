import { UserError } from '../errors.ts';
import { shown } from '../message-text.ts';
import { formatBytes, LIMITS } from '../read-capped.ts';
import type { YamlDocProblem } from '../yaml-guard.ts';

/** What bounds the work of reading a catalog (catalog.ts), whatever the file holds. */

export function tooLarge(file: string, limit: number): UserError {
  return new UserError(
    'catalog-invalid',
    `The catalog file ${file} is larger than ${formatBytes(limit)}, kubezt's limit for a catalog; keep only the clusters your team uses in it.`,
  );
}

/** Aliases may repeat at most this much content (nodes plus characters): a catalog's worth. */
export const CATALOG_GUARD = { kubectlAliasRule: false, maxAliasedSize: LIMITS.catalog, maxDepth: 1000 };

export function aliasIssue(p: YamlDocProblem): string {
  const name = 'anchor' in p ? shown(p.anchor, 40) : '';
  switch (p.kind) {
    case 'unknown-anchor':
      return `the alias *${name} refers to no anchor defined before it; define &${name} first or remove the alias`;
    case 'self-alias':
      return `the alias *${name} is inside what it refers to, so it never ends; remove the alias`;
    case 'alias-budget':
    case 'excessive-aliasing':
      return `the YAML aliases repeat more than ${formatBytes(LIMITS.catalog)} of content, kubezt's limit for a catalog; use fewer aliases`;
    case 'too-deep':
      return `lists and mappings nest more than ${p.limit} levels deep (aliases expanded); flatten them`;
    case 'bad-merge':
      return 'a "<<" key is not a catalog key; write the keys out';
  }
}

const BEGIN = '-----BEGIN CERTIFICATE-----';
const END = '-----END CERTIFICATE-----';

/**
 * What /BEGIN[\s\S]*?END/g matches, found with indexOf: the lazy regex rescans to the end of the
 * text from every BEGIN that has no END after it, quadratic in a hostile bundle.
 */
export function pemBlocks(pem: string): string[] {
  const blocks: string[] = [];
  for (let at = pem.indexOf(BEGIN); at >= 0; ) {
    const end = pem.indexOf(END, at + BEGIN.length);
    if (end < 0) break;
    blocks.push(pem.slice(at, end + END.length));
    at = pem.indexOf(BEGIN, end + END.length);
  }
  return blocks;
}
