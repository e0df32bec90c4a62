import { parseCidr } from './cidr.ts';
import { cleanText } from './parse-status.ts';
import { isManagedSource } from './setting-source.ts';
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

const LINE_BREAK = /[\n\r\u2028\u2029]/;

/**
 * `VALUE` or `VALUE (description)`: what /^(\S+)(?:\s+\((.*)\))?\s*$/ reads, without the
 * backtracking that costs it quadratic time on a line of many ')'.
 */
function valueAndDescription(trimmed: string): { value: string; description?: string } {
  const value = /^\S+/.exec(trimmed)?.[0] ?? '';
  const rest = trimmed.slice(value.length).trimStart();
  const inner = rest.trimEnd();
  if (inner.length >= 2 && inner.startsWith('(') && inner.endsWith(')') && !LINE_BREAK.test(inner)) {
    return { value, description: inner.slice(1, -1) };
  }
  return { value };
}

function entryOf(text: string): SplitTunnelEntry | null {
  const trimmed = text.trim().replace(/,$/, '');
  if (!trimmed || trimmed === '...' || trimmed === '…') return null;
  const { value, description: raw } = valueAndDescription(trimmed);
  if (!value) return null;
  const description = raw?.trim();
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

/**
 * The text between the first '[' and the last ']' of one line, as /\[(.*)\]/ finds it (its
 * backtracking is quadratic on a line of '['); null when there is no such pair.
 */
function bracketed(text: string): string | null {
  for (const line of text.split(LINE_BREAK)) {
    const open = line.indexOf('[');
    const close = line.lastIndexOf(']');
    if (open >= 0 && close > open) return line.slice(open + 1, close);
  }
  return null;
}

/** Whether a line ends in `:` or `: [...]`, as /:\s*(?:\[.*\])?\s*$/ tests it, in linear time. */
function endsWithColon(line: string): boolean {
  const t = line.trimEnd();
  if (t.endsWith(':')) return true;
  if (!t.endsWith(']')) return false;
  // A '[' on the last line of t, with only whitespace between it and a ':' before it.
  const lastBreak = Math.max(
    t.lastIndexOf('\n'),
    t.lastIndexOf('\r'),
    t.lastIndexOf('\u2028'),
    t.lastIndexOf('\u2029'),
  );
  for (let open = t.indexOf('[', lastBreak + 1); open >= 0; open = t.indexOf('[', open + 1)) {
    let i = open - 1;
    while (i >= 0 && /\s/.test(t.charAt(i))) i--;
    if (t.charAt(i) === ':') return true;
  }
  return false;
}

function inlineList(rest: string): SplitTunnelEntry[] | null {
  const inner = bracketed(rest);
  if (inner === null) return null;
  return inner
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
    const trimmed = (lines[i] ?? '').trim();
    const line = withoutSource(trimmed);
    const m = /^(Exclude|Include)\s+mode\b[^:]*:(.*)$/i.exec(line);
    if (!m) continue;
    const mode = (m[1] ?? '').toLowerCase() as SplitTunnelMode;
    const entries = inlineList(m[2] ?? '') ?? listAfter(lines, i + 1);
    const origin = /^\(([^)]{1,60})\)/.exec(trimmed)?.[1]?.trim();
    return {
      mode,
      entries,
      source,
      ...(origin ? { managed: isManagedSource(origin), origin } : {}),
    };
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
    if (!mode || !endsWithColon(line)) continue;
    const entries = inlineList(line) ?? listAfter(lines, i + 1).filter((e) => e.kind === 'cidr');
    return { mode, entries, source: 'tunnel ip list' };
  }
  return null;
}
