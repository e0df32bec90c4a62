import { redactText } from './secrets/redact.ts';

/**
 * The logger the core and the app write through, injected: the app gives it a rotating file in
 * the settings folder, the CLI an in-memory sink for `diagnose --report`, tests a sink they read.
 * Every line is redacted before any sink sees it: the known secrets (in every spelling) and
 * anything credential-shaped, so a token never reaches a file or a report.
 */
export type LogLevel = 'info' | 'warn' | 'error';

export interface Logger {
  info(message: string, detail?: unknown): void;
  warn(message: string, detail?: unknown): void;
  error(message: string, detail?: unknown): void;
}

/** Takes one finished, redacted line (no trailing newline). */
export interface LogSink {
  write(line: string): void;
}

/** What an error or a value adds after the message, on one line. */
function describe(detail: unknown): string {
  if (detail === undefined || detail === null || detail === '') return '';
  if (detail instanceof Error) {
    const code = (detail as NodeJS.ErrnoException).code;
    return `: ${detail.name}${code ? ` ${code}` : ''}: ${detail.message}`;
  }
  if (typeof detail === 'string') return `: ${detail}`;
  try {
    return `: ${JSON.stringify(detail)}`;
  } catch {
    return `: ${String(detail)}`;
  }
}

/** One line per entry: `2026-12-06T11:12:00.000Z WARN  message: detail`, line breaks folded. */
export function formatLogLine(at: Date, level: LogLevel, message: string, detail?: unknown): string {
  const text = `${message}${describe(detail)}`.replace(/\r?\n/g, ' ⏎ ');
  return `${at.toISOString()} ${level.toUpperCase().padEnd(5)} ${text}`;
}

export function createLogger(opts: {
  sinks: readonly LogSink[];
  now?: () => Date;
  /** The secrets known now (the keychain token, kubeconfig credentials): read at every line. */
  secrets?: () => readonly string[];
}): Logger {
  const now = opts.now ?? (() => new Date());
  const write = (level: LogLevel, message: string, detail?: unknown) => {
    const line = redactText(formatLogLine(now(), level, message, detail), opts.secrets?.() ?? []);
    for (const sink of opts.sinks) {
      try {
        sink.write(line);
      } catch {
        // A full disk must not take the app down with it; the other sinks still get the line.
      }
    }
  };
  return {
    info: (m, d) => write('info', m, d),
    warn: (m, d) => write('warn', m, d),
    error: (m, d) => write('error', m, d),
  };
}

/** Keeps the last `limit` lines in memory (the CLI's run, for its report). */
export function memorySink(limit = 1_000): LogSink & { lines(): string[] } {
  const lines: string[] = [];
  return {
    write(line) {
      lines.push(line);
      if (lines.length > limit) lines.splice(0, lines.length - limit);
    },
    lines: () => [...lines],
  };
}

/** The `(message, error?) => void` callbacks the app's modules take, onto a logger. */
export function logCallback(logger: Logger, level: LogLevel = 'warn'): (message: string, error?: unknown) => void {
  return (message, error) => logger[level](message, error);
}
