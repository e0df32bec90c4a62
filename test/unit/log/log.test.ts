import { createHmac } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildReport, renderReportMarkdown } from '../../../main/core/diagnostics/report.ts';
import { createLogger, memorySink } from '../../../main/core/log.ts';
import { createRotatingFileSink } from '../../../main/core/log-file.ts';

const TOKEN = 'kubeconfig-token-7c2e9f4a1b8d3e6f';
const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
const head = `${part({ alg: 'HS256' })}.${part({ sub: 'x', exp: 2_000_000_000 })}`;
const UNKNOWN_JWT = `${head}.${createHmac('sha256', 'k').update(head).digest('base64url')}`;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kubezt-log-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const clock = () => {
  let t = Date.parse('2026-12-06T10:00:00.000Z');
  return () => {
    t += 1000;
    return new Date(t);
  };
};

describe('the rotating log file', () => {
  it('rotates by size into three owner-only files, dropping the oldest', () => {
    const sink = createRotatingFileSink({ dir: join(dir, 'settings'), maxBytes: 400, files: 3 });
    const log = createLogger({ sinks: [sink], now: clock() });
    for (let i = 1; i <= 60; i++) log.info(`line ${String(i).padStart(3, '0')}`);
    expect(readdirSync(join(dir, 'settings')).sort()).toEqual(['kubezt.log', 'kubezt.log.1', 'kubezt.log.2']);
    for (const f of readdirSync(join(dir, 'settings'))) {
      const st = statSync(join(dir, 'settings', f));
      expect(st.mode & 0o777, f).toBe(0o600);
      expect(st.size, f).toBeLessThanOrEqual(400);
    }
    const all = ['kubezt.log.2', 'kubezt.log.1', 'kubezt.log']
      .map((f) => readFileSync(join(dir, 'settings', f), 'utf8'))
      .join('');
    // The newest lines are all there, in order; the oldest went with the third rotation.
    expect(all).toContain('line 060');
    expect(all).not.toContain('line 001');
    expect(sink.tail(3).map((l) => l.slice(-8))).toEqual(['line 058', 'line 059', 'line 060']);
    const kept = all.trimEnd().split('\n');
    expect(sink.tail(1_000)).toEqual(kept);
  });

  it('narrows an existing wider file to 0600', () => {
    const file = join(dir, 'kubezt.log');
    writeFileSync(file, 'old line\n', { mode: 0o644 });
    createRotatingFileSink({ dir }).write('new line');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toBe('old line\nnew line\n');
  });

  it('never writes a planted token, known or credential-shaped', () => {
    const sink = createRotatingFileSink({ dir });
    const log = createLogger({ sinks: [sink], now: clock(), secrets: () => [TOKEN] });
    log.warn(`the server refused token ${TOKEN}`, new Error(`401 for Bearer ${TOKEN}`));
    log.error('plugin printed', `{"status":{"token":"${UNKNOWN_JWT}"}}`);
    log.info(`base64 of it: ${Buffer.from(`x:${TOKEN}`).toString('base64')}`);
    const text = readFileSync(sink.path, 'utf8');
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain(UNKNOWN_JWT);
    expect(text).not.toContain(Buffer.from(`x:${TOKEN}`).toString('base64'));
    expect(text.split('\n')[0]).toMatch(/^2026-12-06T10:00:01\.000Z WARN {2}the server refused token \[redacted\]/);
  });
});

describe('the Markdown report', () => {
  it('carries the last 200 log lines, redacted', () => {
    const sink = memorySink();
    const log = createLogger({ sinks: [sink], now: clock() });
    for (let i = 1; i <= 250; i++) log.info(`event ${i}`);
    const lines = [...sink.lines(), `2026-12-06T10:05:00.000Z INFO  leaked ${TOKEN}`];
    const report = buildReport([], { platform: 'linux', arch: 'x64', nodeVersion: 'v24' });
    const md = renderReportMarkdown(report, { secrets: [TOKEN], logLines: lines });
    expect(md).toContain('## kubezt log (last 200 lines)');
    expect(md).toContain('event 250');
    expect(md).toContain('event 52\n');
    expect(md).not.toContain('event 51\n');
    expect(md).not.toContain(TOKEN);
    expect(md).toContain('leaked [redacted]');
    expect(renderReportMarkdown(report)).not.toContain('## kubezt log');
  });
});
