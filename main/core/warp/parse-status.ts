import type { WarpCliReading } from './types.ts';

/**
 * Parsers for every `warp-cli status` output seen across client versions. Pure: text in, reading
 * out; anything unrecognised is `unknown` (the caller keeps the raw text), never an exception.
 *
 * Formats handled (newest first):
 * - JSON (`-j`/`--json`): `{"status":"Connected","reason":"NetworkHealthy"}`, reasons as strings
 *   or one-key objects (`{"EstablishingConnection":"162.159.198.2:443"}`), daemon down as
 *   `{"code":"FailedToConnectToDaemon","error":"…"}`.
 * - Text: `Status update: Connected` + `Network: healthy` (2025.9+); `Status update: Disconnected`
 *   + `Reason: Manual Disconnection` (lines in any order, extra lines); one-line
 *   `Status update: Disconnected. Reason: Manual Disconnection`; a leading `Success` line
 *   (early clients).
 * - Daemon down: `Unable to connect to CloudflareWARP daemon. Maybe the daemon is not running…`,
 *   `Error: "Unable to connect to …"`, `Unable to connect to the CloudflareWARP daemon: …`,
 *   `Failed to communicate with WARP service over IPC`, `IPC client reached EOF, daemon connection lost`.
 * - The Terms of Service prompt (a first run without a terminal).
 */

const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*[A-Za-z]`, 'g');

export function cleanText(text: string): string {
  return text.replace(ANSI, '').replace(/\r\n?/g, '\n');
}

const DAEMON_DOWN =
  /unable to connect to (?:the )?cloudflarewarp daemon|failed to communicate with warp service|error communicating with (?:the )?daemon|daemon connection lost|failedtoconnecttodaemon/i;

const TOS = /terms of service/i;

/** Clap's "unknown flag/subcommand" errors: the client is too old for what was asked. */
const UNSUPPORTED =
  /unexpected argument|wasn't expected|isn't valid in this context|unrecognized subcommand|wasn't recognized|unknown (?:argument|option|subcommand)/i;

export function isDaemonDownText(text: string): boolean {
  return DAEMON_DOWN.test(text);
}

export function isUnsupportedText(text: string): boolean {
  return UNSUPPORTED.test(text);
}

const REGISTRATION_MISSING = /registration\s*missing|missing\s*registration/i;
const REGISTRATION_REMEDY = 'register the device with `warp-cli registration new <team>` or the WARP app.';

export const TOS_REASON =
  'warp-cli is waiting for its Terms of Service to be accepted: run `warp-cli status` once in a terminal.';
export const DAEMON_DOWN_REASON =
  'The WARP service is not running (warp-cli cannot reach its daemon): start Cloudflare WARP, or on Linux run `sudo systemctl enable --now warp-svc`.';

/** Maps a status word to a state; unknown words stay unknown. */
export function stateOfWord(word: string): WarpCliReading['state'] {
  switch (word.trim().toLowerCase()) {
    case 'connected':
      return 'connected';
    case 'connecting':
    case 'reconnecting':
      return 'connecting';
    // Unable (registration missing, blocked), Paused (admin override) and Disconnecting all mean
    // nothing is tunnelled right now.
    case 'disconnected':
    case 'disconnecting':
    case 'unable':
    case 'paused':
      return 'disconnected';
    default:
      return 'unknown';
  }
}

/** `NetworkHealthy` → `Network healthy`; `RegistrationMissing` → `Registration missing`. */
export function words(tag: string): string {
  const spaced = tag
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .trim();
  if (!spaced) return '';
  return spaced.charAt(0).toUpperCase() + spaced.slice(1).toLowerCase();
}

function reasonOf(reason: unknown): string | null {
  if (typeof reason === 'string') return reason.trim() ? words(reason) : null;
  if (reason && typeof reason === 'object' && !Array.isArray(reason)) {
    const [key, value] = Object.entries(reason)[0] ?? [];
    if (!key) return null;
    if (typeof value === 'string' && value.trim()) {
      // `{"RegistrationMissing":"DaemonStartup"}` reads as a cause; an address reads as a detail.
      return /^[A-Z][A-Za-z]+$/.test(value)
        ? `${words(key)} (${words(value).toLowerCase()})`
        : `${words(key)} (${value})`;
    }
    return words(key);
  }
  return null;
}

function firstJsonObject(text: string): Record<string, unknown> | null {
  const trimmed = text.trim();
  const candidates = [trimmed, ...trimmed.split('\n').reverse()];
  for (const c of candidates) {
    const t = c.trim();
    if (!t.startsWith('{')) continue;
    try {
      const parsed: unknown = JSON.parse(t);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
    } catch {
      // not this one
    }
  }
  return null;
}

const UNKNOWN: WarpCliReading = { state: 'unknown', statusWord: null, reason: null, daemonDown: false, format: 'none' };

/** `warp-cli -j status` (stdout, falling back to stderr where some versions print errors). */
export function parseStatusJson(stdout: string, stderr = ''): WarpCliReading {
  const obj = firstJsonObject(cleanText(stdout)) ?? firstJsonObject(cleanText(stderr));
  if (!obj) {
    if (isDaemonDownText(`${stdout}\n${stderr}`)) {
      return { state: 'disconnected', statusWord: null, reason: DAEMON_DOWN_REASON, daemonDown: true, format: 'text' };
    }
    return UNKNOWN;
  }
  if (typeof obj.status === 'string') {
    const reason = reasonOf(obj.reason);
    return {
      state: stateOfWord(obj.status),
      statusWord: obj.status,
      reason,
      daemonDown: false,
      format: 'json',
      ...(reason && REGISTRATION_MISSING.test(reason) ? { registrationMissing: true } : {}),
    };
  }
  if (typeof obj.code === 'string') {
    const message = typeof obj.error === 'string' ? obj.error : typeof obj.message === 'string' ? obj.message : '';
    if (obj.code === 'FailedToConnectToDaemon' || isDaemonDownText(message)) {
      return { state: 'disconnected', statusWord: null, reason: DAEMON_DOWN_REASON, daemonDown: true, format: 'json' };
    }
    if (REGISTRATION_MISSING.test(obj.code)) {
      // Without a registration nothing is tunnelled: disconnected, and the reason says why.
      return {
        state: 'disconnected',
        statusWord: null,
        reason: `Registration missing: ${message ? `warp-cli answered ${obj.code}: ${message}` : REGISTRATION_REMEDY}`,
        daemonDown: false,
        format: 'json',
        registrationMissing: true,
      };
    }
    return {
      state: 'unknown',
      statusWord: null,
      reason: message ? `warp-cli answered ${obj.code}: ${message}` : `warp-cli answered ${obj.code}.`,
      daemonDown: false,
      format: 'json',
    };
  }
  return { ...UNKNOWN, format: 'json' };
}

/** `warp-cli status` in any text form (stdout and stderr together: errors go to stderr). */
export function parseStatusText(stdout: string, stderr = ''): WarpCliReading {
  const text = cleanText(`${stdout}\n${stderr}`);
  const statusLines = [...text.matchAll(/^[ \t]*Status(?: update)?[ \t]*:[ \t]*(.*)$/gim)];
  const last = statusLines.at(-1);
  if (!last) {
    if (isDaemonDownText(text)) {
      return { state: 'disconnected', statusWord: null, reason: DAEMON_DOWN_REASON, daemonDown: true, format: 'text' };
    }
    if (TOS.test(text)) return { ...UNKNOWN, reason: TOS_REASON, format: 'text' };
    return UNKNOWN;
  }
  const value = (last[1] ?? '').trim();
  // `Unable to connect. Reason: Registration Missing` (2023): the reason sits on the status line
  // after words the one-word pattern below does not expect.
  const trailingReason = /(?:^|[.,;]\s*|\s)Reason\s*:\s*(\S.*)$/i.exec(value)?.[1]?.trim();
  // `Disconnected. Reason: Manual Disconnection` (one line) or `Connected` alone. The punctuation
  // is its own optional group: `\s*[.,:;]?\s*` could split a run of spaces in quadratically many
  // ways before failing.
  const inline = /^([A-Za-z]+)(?:\s*[.,:;])?\s*(?:Reason:\s*(.+))?$/i.exec(value);
  const statusWord = inline?.[1] ?? /^([A-Za-z]+)/.exec(value)?.[1] ?? null;
  const reasonLine = /^[ \t]*Reason[ \t]*:[ \t]*(.+)$/im.exec(text)?.[1]?.trim();
  const networkLine = /^[ \t]*Network[ \t]*:[ \t]*(.+)$/im.exec(text)?.[1]?.trim();
  const reason =
    inline?.[2]?.trim() ||
    trailingReason ||
    reasonLine ||
    (networkLine ? `Network ${networkLine.toLowerCase()}` : null);
  return {
    state: statusWord ? stateOfWord(statusWord) : 'unknown',
    statusWord,
    reason,
    daemonDown: false,
    format: 'text',
    ...(reason && REGISTRATION_MISSING.test(reason) ? { registrationMissing: true } : {}),
  };
}

/**
 * Whether a line of `warp-cli -l status` marks a status change (listen mode also streams DNS logs
 * when those are enabled; they are not state changes).
 */
export function isStatusLine(line: string): boolean {
  const l = cleanText(line);
  return /status(?: update)?\s*:|"status"\s*:|failedtoconnecttodaemon/i.test(l) || isDaemonDownText(l);
}

/**
 * One line of `warp-cli -l status`: the JSON form prints a whole status per line; the text form
 * prints `Status update: X` with the reason on the next line (or on the same line, 2023). Null for
 * lines that carry no state (reason lines, DNS logs).
 */
export function parseListenLine(line: string): WarpCliReading | null {
  const l = cleanText(line).trim();
  if (!l) return null;
  if (l.startsWith('{')) {
    const r = parseStatusJson(l);
    return r.format === 'none' || (r.state === 'unknown' && !r.statusWord && !r.reason) ? null : r;
  }
  if (isDaemonDownText(l)) return parseStatusText(l);
  if (!/^Status(?: update)?\s*:/i.test(l)) return null;
  return parseStatusText(l);
}
