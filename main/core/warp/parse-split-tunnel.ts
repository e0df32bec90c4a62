import { parseCidr } from './cidr.ts';
import { cleanText } from './parse-status.ts';
import type { SplitTunnelConfig, SplitTunnelEntry, SplitTunnelMode } from './types.ts';

/**
 * Split-tunnel mode and entries, from the two places warp-cli prints them:
 * - `warp-cli tunnel ip list` (2024+): a header naming the mode (`Excluded IPs:` / `Included IPs:`
 *   or the settings-style `Exclude mode, with hosts/ips:`) and one indented entry per line,
 *   optionally followed by a `(description)`.
 * - `warp-cli settings [list]`: a `[(source)\t]Exclude mode, with hosts/ips:` (or `Include mode…`)
 *   line followed by indented entries (IPs, CIDRs and hosts), until the next unindented line;
 *   a few builds print the list inline as `[a, b, …]`.
 * Returns null when no mode can be read (the caller then tries the next command).
 */

function entryOf(text: string): SplitTunnelEntry | null {
  const trimmed = text.trim().replace(/,$/, '');
  if (!trimmed || trimmed === '...' || trimmed === '…') return null;
  const m = /^(\S+)(?:\s+\((.*)\))?\s*$/.exec(trimmed);
  const value = m?.[1] ?? trimmed.split(/\s+/)[0] ?? '';
  if (!value) return null;
  const description = m?.[2]?.trim();
  const kind = parseCidr(value) ? 'cidr' : 'host';
  // Hosts are `*.corp.example` or names; anything else (stray words) is not an entry.
  if (kind === 'host' && !/^[*a-z0-9][a-z0-9.*-]*$/i.test(value)) return null;
  return { value, kind, ...(description ? { description } : {}) };
}

function modeOfHeader(line: string): SplitTunnelMode | null {
  if (/\bexclu(?:de|ded|sion)/i.test(line)) return 'exclude';
  if (/\binclu(?:de|ded|sion)/i.test(line)) return 'include';
  return null;
}

function isIndented(line: string): boolean {
  return /^[ \t]+\S/.test(line);
}

/** Strips the `(network policy)\t` / `(user set)\t` source prefix of newer settings output. */
function withoutSource(line: string): string {
  return line.replace(/^\([^)]*\)\s*/, '');
}

function listAfter(lines: string[], start: number): SplitTunnelEntry[] {
  const entries: SplitTunnelEntry[] = [];
  for (let i = start; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (!line.trim()) {
      // A blank line ends the list unless more entries follow at once (some builds pad).
      if (isIndented(lines[i + 1] ?? '') && entryOf(lines[i + 1] ?? '')) continue;
      break;
    }
    if (!isIndented(line)) break;
    const e = entryOf(line);
    if (e) entries.push(e);
  }
  return entries;
}

function inlineList(rest: string): SplitTunnelEntry[] | null {
  const m = /\[(.*)\]/.exec(rest);
  if (!m) return null;
  return (m[1] ?? '')
    .split(',')
    .map((s) => entryOf(s))
    .filter((e): e is SplitTunnelEntry => e !== null);
}

export function parseSettingsSplitTunnel(
  text: string,
  source: 'settings list' | 'settings' = 'settings list',
): SplitTunnelConfig | null {
  const lines = cleanText(text).split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = withoutSource((lines[i] ?? '').trim());
    const m = /^(Exclude|Include)\s+mode\b[^:]*:(.*)$/i.exec(line);
    if (!m) continue;
    const mode = (m[1] ?? '').toLowerCase() as SplitTunnelMode;
    const entries = inlineList(m[2] ?? '') ?? listAfter(lines, i + 1);
    return { mode, entries, source };
  }
  return null;
}

export function parseTunnelIpList(text: string): SplitTunnelConfig | null {
  const clean = cleanText(text);
  const settingsStyle = parseSettingsSplitTunnel(clean);
  if (settingsStyle) return { ...settingsStyle, source: 'tunnel ip list' };
  const lines = clean.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (!line.trim() || isIndented(line)) continue;
    const mode = modeOfHeader(line);
    if (!mode || !/:\s*(?:\[.*\])?\s*$/.test(line)) continue;
    const entries = inlineList(line) ?? listAfter(lines, i + 1).filter((e) => e.kind === 'cidr');
    return { mode, entries, source: 'tunnel ip list' };
  }
  return null;
}
