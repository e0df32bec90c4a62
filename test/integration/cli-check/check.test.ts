import { execFile } from 'node:child_process';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { CheckJson } from '../../../main/cli/commands/check.ts';
import type { StatusJson } from '../../../main/cli/commands/status.ts';
import type { DiagnosticsReport } from '../../../main/core/diagnostics/index.ts';
import { buildKubeconfig } from '../../../sim/apiserver/index.ts';
import { createCertificateAuthority, issueServerCertificate } from '../../../sim/apiserver/pki.ts';
import { DEFAULT_EXCLUDES } from '../../../sim/warp/index.ts';
import { runCli } from '../../helpers/cli.ts';
import { type CheckWorld, EXEC_TOKEN, EXPECTED, runKubezt, startCheckWorld } from './world.ts';

let world: CheckWorld;

beforeAll(async () => {
  world = await startCheckWorld();
});

afterAll(async () => {
  await world?.close();
});

const cli = (args: string[], extra: Record<string, string> = {}) =>
  runCli(args, { env: world.env(extra), homeDir: world.env().HOME as string, cwd: world.root });

function expectNoSecret(text: string) {
  for (const secret of world.secrets) expect(text).not.toContain(secret);
}

describe('kubezt check', () => {
  it('gives every verdict from its real cause, in kubeconfig order, and exits 1', async () => {
    const requestsBefore = world.cloudflare.requests.length;
    const r = await cli(['check', '--json', '--timeout', '800']);
    expect(r.code, r.stderr).toBe(1);
    const out = JSON.parse(r.stdout) as CheckJson;
    expect(out.version).toBe(1);
    expect(Object.fromEntries(out.clusters.map((c) => [c.context, c.verdict]))).toEqual(
      Object.fromEntries(Object.entries(EXPECTED).map(([name, verdict]) => [`zt-${name}`, verdict])),
    );
    expect(out.clusters.map((c) => c.name)).toEqual(Object.keys(EXPECTED));
    for (const c of out.clusters) {
      expect(c.steps.map((s) => s.step)).toEqual(['warp', 'vnet', 'route', 'tcp', 'tls', 'version', 'auth']);
      const severity = c.verdict === 'ok' ? 'ok' : ['forbidden', 'version-skew'].includes(c.verdict) ? 'warn' : 'fail';
      expect(c.severity, c.context).toBe(severity);
      expect(c.ok).toBe(severity !== 'fail');
      if (c.verdict !== 'ok') expect(c.remedy, c.context).toBeTruthy();
      // Every step after the first failure is skipped.
      const failed = c.steps.findIndex((s) => s.status === 'fail');
      if (failed >= 0) expect(c.steps.slice(failed + 1).every((s) => s.status === 'skip')).toBe(true);
    }
    expect(out.summary).toEqual({ total: 15, ok: 6, warnings: 2, unhealthy: 9 });
    expect(out.warp).toEqual({ state: 'connected', gatewayOn: true });
    expect(out.kubectl).toMatch(/^v1\./);
    expect(out.problems).toEqual([]);

    const by = new Map(out.clusters.map((c) => [c.name, c]));
    // The deadlines hold: SYNs dropped and a silent TLS server fail at the step deadline.
    expect(by.get('blackholed')?.steps[3]).toMatchObject({ step: 'tcp', status: 'fail', reason: 'timeout' });
    expect(by.get('no-tls')?.steps[4]).toMatchObject({ step: 'tls', status: 'fail', reason: 'tls-timeout' });
    expect(by.get('no-tls')?.steps[4]?.detail).toContain('within 800 ms');
    // Tunnel health and the Gateway audit come from the cached inventory.
    expect(by.get('down')?.summary).toContain('tunnel "k8s-down"');
    expect(by.get('down')?.remedy).toContain('cloudflared');
    expect(by.get('gateway')?.remedy).toContain(`Do Not Inspect action for ${world.farm.server('gateway').ip}`);
    expect(by.get('gateway')?.notes.join(' ')).toContain('Gateway audit found no enabled Do Not Inspect rule');
    // IPv6, tls-server-name and the exec plugin's credentials.
    expect(by.get('v6')).toMatchObject({ ip: '::1', serverVersion: 'v1.32.3', username: 'admin' });
    expect(by.get('sni-named')).toMatchObject({ verdict: 'ok', serverVersion: 'v1.32.3' });
    expect(by.get('sni')?.remedy).toBe(
      "Set tls-server-name to one of the certificate's names: kubernetes.default.svc, api.internal.example.",
    );
    expect(by.get('exec')).toMatchObject({ verdict: 'ok', username: 'exec-user' });
    expect(Math.abs(by.get('old')?.skew ?? 0)).toBeGreaterThan(1);
    expect(by.get('healthy')?.latencyMs).toEqual(expect.any(Number));
    expect(by.get('refused')?.latencyMs).toBeNull();

    expectNoSecret(r.stdout + r.stderr);
    // The inventory is read from the cache: no call to the Cloudflare API.
    expect(world.cloudflare.requests.length).toBe(requestsBefore);
  });

  it('prints one line per cluster as each finishes, and counts warnings as healthy (exit 0)', async () => {
    const ok = await cli(['check', 'healthy', 'zt-old', 'no-review']);
    expect(ok.code, ok.stderr).toBe(0);
    const lines = ok.stdout.trim().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines).toContainEqual(expect.stringMatching(/^✓ zt-healthy\s+v1\.32\.3\s+\d+ ms$/));
    expect(lines).toContainEqual(
      expect.stringMatching(/^! zt-old\s+v1\.20\.15\s+\d+ ms\s+version-skew: Use a kubectl/),
    );
    expect(lines).toContainEqual(expect.stringMatching(/^! zt-no-review .* forbidden: /));
    expect(lines[3]).toBe('3 clusters: 1 ok, 2 with warnings.');

    // Named first, finished last: the blackholed cluster's line comes after the healthy one's.
    const streamed = await cli(['check', 'blackholed', 'healthy', '--timeout', '1500']);
    expect(streamed.code).toBe(1);
    const order = streamed.stdout.trim().split('\n');
    expect(order[0]).toMatch(/^✓ zt-healthy /);
    expect(order[1]).toMatch(/^✗ zt-blackholed\s+tcp-timeout: Packets to .* are dropped/);
    expect(order[2]).toBe('2 clusters: 1 ok, 1 unhealthy; "kubezt diagnose NAME" shows the whole ladder.');
  });

  it('reads --concurrency and --timeout, and every cluster is checked even one at a time', async () => {
    const r = await cli(['check', '--json', '--concurrency', '1', '--timeout', '500', 'no-tls', 'healthy', 'v6']);
    const out = JSON.parse(r.stdout) as CheckJson;
    expect(out.clusters.map((c) => [c.context, c.verdict])).toEqual([
      ['zt-no-tls', 'tls-timeout'],
      ['zt-healthy', 'ok'],
      ['zt-v6', 'ok'],
    ]);
    expect(out.clusters[0]?.steps[4]?.detail).toContain('within 500 ms');
  });

  it('answers bad usage with one sentence and exit 2', async () => {
    for (const args of [
      ['check', '--timeout', 'abc'],
      ['check', '--timeout', '0'],
      ['check', '--concurrency', '-3'],
      ['check', '--bogus'],
      ['check', 'no-such-cluster'],
    ]) {
      const r = await cli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
    }
    expect((await cli(['check', '--timeout', 'abc'])).stderr).toContain('--timeout must be a positive whole number');
    expect((await cli(['check', 'helthy'])).stderr).toContain('did you mean "healthy"');
  });

  it('says how to add clusters when the kubeconfig has no kubezt context (exit 2)', async () => {
    const other = join(world.root, 'plain-config');
    await writeFile(other, buildKubeconfig([{ server: world.farm.server('healthy'), name: 'mine' }]));
    const r = await cli(['check'], { KUBECONFIG: other });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^kubezt: No kubezt contexts are in .*: run "kubezt setup" to add your clusters/);
    // A context of the user's own is checked when named.
    const named = await cli(['check', 'mine'], { KUBECONFIG: other });
    expect(named.code).toBe(0);
    expect(named.stdout).toMatch(/^✓ mine\s+v1\.32\.3/);
  });

  it('works without any inventory: the kubeconfig alone (a down tunnel is then just a refused port)', async () => {
    const r = await cli(['check', '--json', 'down', 'healthy'], {
      KUBEZT_CATALOG: '',
      CLOUDFLARE_ACCOUNT_ID: '',
      CLOUDFLARE_API_TOKEN: '',
    });
    const out = JSON.parse(r.stdout) as CheckJson;
    expect(out.clusters.map((c) => c.verdict)).toEqual(['tcp-refused', 'ok']);
    expect(out.warnings).toEqual([]);
  });

  it('warp-disconnected when warp-cli says Disconnected: nothing after the warp step runs', async () => {
    world.warp.setState({ status: 'Disconnected', reason: 'Manual Disconnection' });
    try {
      const r = await cli(['check', '--json', 'healthy']);
      expect(r.code).toBe(1);
      const c = (JSON.parse(r.stdout) as CheckJson).clusters[0];
      expect(c).toMatchObject({ verdict: 'warp-disconnected', severity: 'fail', step: 'warp' });
      expect(c?.remedy).toContain('warp-cli connect');
      expect(c?.steps.slice(1).every((s) => s.status === 'skip')).toBe(true);
    } finally {
      world.warp.setState({ status: 'Connected', reason: undefined });
    }
  });

  it('split-tunnel-excluded when the route bypasses WARP and an Exclude entry covers the IP; not-routed without one', async () => {
    // The WARP interface is CloudflareWARP again (absent here), so loopback traffic bypasses it.
    const elsewhere = { KUBEZT_WARP_INTERFACE: 'CloudflareWARP' };
    world.warp.setState({ exclude: [...DEFAULT_EXCLUDES, '127.0.0.0/8'] });
    try {
      const r = await cli(['check', '--json', 'healthy'], elsewhere);
      const c = (JSON.parse(r.stdout) as CheckJson).clusters[0];
      expect(c).toMatchObject({ verdict: 'split-tunnel-excluded', step: 'route' });
      expect(c?.remedy).toContain('Split tunnel (Exclude mode) excludes 127.0.0.0/8');
    } finally {
      world.warp.setState({ exclude: [...DEFAULT_EXCLUDES] });
    }
    const r = await cli(['check', '--json', 'healthy'], elsewhere);
    expect((JSON.parse(r.stdout) as CheckJson).clusters[0]).toMatchObject({ verdict: 'not-routed', step: 'route' });
  });

  it('runs as a real process: JSON and exit 0, a failing line and exit 1, bad usage and exit 2', async () => {
    const env = world.env();
    const good = await runKubezt(['check', '--json', 'healthy', 'v6', 'exec'], env);
    expect(good.code, good.stderr).toBe(0);
    expect((JSON.parse(good.stdout) as CheckJson).clusters.map((c) => c.verdict)).toEqual(['ok', 'ok', 'ok']);
    expect(good.stdout).not.toContain(EXEC_TOKEN);
    const bad = await runKubezt(['check', 'gateway'], env);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/^✗ zt-gateway\s+tls-intercepted: Add a Gateway HTTP policy with the Do Not Inspect/);
    const usage = await runKubezt(['check', '--concurrency', 'lots'], env);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toBe(
      'kubezt: --concurrency must be a positive whole number, not "lots" ("kubezt check --help").\n',
    );
  });

  it('shows a progress line on a terminal only, and clears it', async () => {
    const root = join(import.meta.dirname, '..', '..', '..');
    const command = `node_modules/.bin/node bin/kubezt.js check healthy gateway`;
    const tty = await new Promise<string>((resolve, reject) => {
      execFile('script', ['-q', '-e', '-c', command, '/dev/null'], { env: world.env(), cwd: root }, (error, stdout) =>
        error && typeof error.code !== 'number' ? reject(error) : resolve(stdout),
      );
    });
    expect(tty).toContain('\r\x1b[KChecking 2 clusters…');
    expect(tty).toMatch(/✓ zt-healthy/);
    const piped = await runKubezt(['check', 'healthy'], world.env());
    expect(piped.stderr).toBe('');
    expect(piped.stdout).not.toContain('\r');
  });
});

describe('kubezt diagnose', () => {
  it('prints each full ladder with the finding, the fix and the notes', async () => {
    const r = await cli(['diagnose', 'gateway', 'healthy']);
    expect(r.code).toBe(1);
    const ip = world.farm.server('gateway').ip;
    expect(r.stdout).toContain(`✗ zt-gateway (cluster gateway, https://${ip}:6443): tls-intercepted`);
    expect(r.stdout).toContain(`  Fix: Add a Gateway HTTP policy with the Do Not Inspect action for ${ip}`);
    expect(r.stdout).toContain('  Note: The Gateway audit found no enabled Do Not Inspect rule');
    expect(r.stdout).toMatch(
      / {2}✗ tls\s+[\d.]+ ms {2}The certificate for .* was issued by "Gateway CA - Cloudflare Managed G1/,
    );
    expect(r.stdout).toMatch(/ {2}- version\s+Skipped because the tls step failed\./);
    expect(r.stdout).toMatch(/ {2}✓ auth\s+[\d.]+ ms {2}Authenticated as admin/);
    expect(r.stdout).toMatch(/^WARP: connected, Gateway filtering on; kubectl: v1\./);
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('2 clusters: 1 ok, 1 unhealthy.');
  });

  it('--json is the report: environment, verdicts and the ladders with their data', async () => {
    const r = await cli(['diagnose', '--json', '--timeout', '800', 'down', 'exec', 'old', 'rejects', 'no-tls']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as DiagnosticsReport;
    expect(report.version).toBe(1);
    expect(report.clusters.map((c) => [c.context, c.verdict, c.severity])).toEqual([
      ['zt-down', 'tunnel-down', 'fail'],
      ['zt-exec', 'ok', 'ok'],
      ['zt-old', 'version-skew', 'warn'],
      ['zt-rejects', 'unauthorized', 'fail'],
      ['zt-no-tls', 'tls-timeout', 'fail'],
    ]);
    expect(report.summary).toMatchObject({ total: 5, ok: 1, warn: 1, fail: 3 });
    expect(report.environment).toMatchObject({
      kubeztVersion: expect.stringMatching(/^\d+\.\d+\.\d+/),
      platform: process.platform,
      nodeVersion: process.version,
      warp: { state: 'connected', gatewayOn: true },
    });
    expect(report.environment.kubectl?.gitVersion).toMatch(/^v1\./);
    expect(report.environment.warp?.signals?.map((s) => s.source)).toEqual(['warp-cli', 'interface', 'trace']);
    const exec = report.clusters.find((c) => c.context === 'zt-exec');
    expect(exec?.ladder.steps.find((s) => s.step === 'tls')?.data?.chain).toEqual(expect.any(Array));
    expectNoSecret(r.stdout + r.stderr);
  });

  it('--report writes a Markdown report with every credential redacted, even ones a plugin leaks', async () => {
    // A context of the user's own whose exec plugin fails and prints secrets on stderr: another
    // context's token, the Cloudflare API token from its environment, and a bearer header.
    const leaky = join(world.root, 'bin', 'leaky-login');
    await writeFile(
      leaky,
      `#!/bin/sh\necho "login failed for token=${world.farm.server('healthy').token} key $CLOUDFLARE_API_TOKEN Authorization: Bearer unknown-sekret-value-123" >&2\nexit 1\n`,
    );
    await chmod(leaky, 0o755);
    const extra = join(world.root, 'kube', 'leaky-config');
    await writeFile(
      extra,
      buildKubeconfig([{ server: world.farm.server('healthy'), name: 'leaky', user: { exec: { command: leaky } } }]),
    );
    await mkdir(join(world.root, 'reports'), { recursive: true });
    const file = join(world.root, 'reports', 'ticket.md');
    // An older report readable by everyone: the new one replaces it owner-only.
    await writeFile(file, 'old report\n', { mode: 0o644 });
    const env = { KUBECONFIG: `${world.kubeconfigPath}:${extra}` };
    const r = await cli(['diagnose', 'healthy', 'rejects', 'exec', 'leaky', '--report', 'reports/ticket.md'], env);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`Report written to ${file}.`);
    const md = await readFile(file, 'utf8');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(md).toMatch(/^# kubezt connectivity report\n/);
    expect(md).toContain('## Environment');
    expect(md).toMatch(/- kubezt: \d+\.\d+\.\d+/);
    expect(md).toMatch(/- kubectl: v1\./);
    expect(md).toContain('- WARP: connected, Gateway filtering on');
    expect(md).toContain('  - warp-cli: connected: warp-cli -j status says Connected');
    expect(md).toContain('## leaky: unauthorized');
    expect(md).toContain('| rejects | https://');
    expect(md).toContain('[redacted]');
    for (const text of [md, r.stdout, r.stderr]) {
      expectNoSecret(text);
      expect(text).not.toContain('unknown-sekret-value-123');
    }
  });

  it('refuses a report path it cannot write before checking anything (exit 2)', async () => {
    const r = await cli(['diagnose', 'healthy', '--report', 'no-such-folder/report.md']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'kubezt: The folder of --report no-such-folder/report.md does not exist; create it or choose another path.\n',
    );
    expect(r.stdout).toBe('');
  });
});

describe('kubezt status', () => {
  it('shows WARP, the current context with its health, and the cluster summary', async () => {
    expect((await cli(['use', 'healthy'])).code).toBe(0);
    const r = await cli(['status', '--json', '--timeout', '800']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as StatusJson;
    expect(out.warp).toMatchObject({ state: 'connected', gatewayOn: true });
    expect(out.currentContext).toMatchObject({ context: 'zt-healthy', verdict: 'ok', ok: true });
    expect(out.clusters).toMatchObject({ total: 15, ok: 6, warnings: 2, unhealthy: 9 });
    expect(out.clusters.unhealthyContexts).toContain('zt-gateway');
    expectNoSecret(r.stdout);
  });

  it('exits 1 when the current context is unhealthy, and says why on one screen', async () => {
    expect((await cli(['use', 'zt-gateway'])).code).toBe(0);
    const r = await runKubezt(['status', '--timeout', '800'], world.env());
    expect(r.code).toBe(1);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('WARP      connected, Gateway filtering on');
    expect(lines[1]).toMatch(/^Context {3}zt-gateway\s+tls-intercepted: Add a Gateway HTTP policy/);
    expect(lines[2]).toMatch(/^Clusters {2}15 kubezt contexts: 4 ok, 2 with warnings, 9 unhealthy \(.*zt-gateway/);
  });
});

describe('an API server that speaks HTTP/2 (as kube-apiserver does)', () => {
  it('carries /version and selfsubjectreviews on the one connection the TLS step opened', async () => {
    const ca = await createCertificateAuthority({ CN: 'h2-cluster-ca' });
    const cert = await issueServerCertificate(ca, { ip: '127.0.0.1', dnsNames: ['kubernetes'], ipSan: true });
    const token = 'h2-bearer-token-8c1d2e';
    const sessions: string[] = [];
    const server = http2.createSecureServer({ key: cert.keyPem, cert: cert.certPem, allowHTTP1: false });
    server.on('session', (s) => sessions.push(s.alpnProtocol ?? ''));
    server.on('stream', (stream, headers) => {
      const send = (status: number, body: unknown) => {
        stream.respond({ ':status': status, 'content-type': 'application/json' });
        stream.end(JSON.stringify(body));
      };
      if (headers.authorization !== `Bearer ${token}`) return send(401, { kind: 'Status', code: 401 });
      if (headers[':path'] === '/version') return send(200, { major: '1', minor: '32', gitVersion: 'v1.32.9' });
      if (headers[':path'] === '/apis/authentication.k8s.io/v1/selfsubjectreviews' && headers[':method'] === 'POST') {
        return send(201, { status: { userInfo: { username: 'h2-user', groups: ['system:authenticated'] } } });
      }
      send(404, { kind: 'Status', code: 404 });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      const kubeconfig = join(world.root, 'kube', 'h2-config');
      await writeFile(
        kubeconfig,
        stringify({
          apiVersion: 'v1',
          kind: 'Config',
          clusters: [
            {
              name: 'h2',
              cluster: {
                server: `https://127.0.0.1:${port}`,
                'certificate-authority-data': Buffer.from(ca.certPem).toString('base64'),
              },
            },
          ],
          users: [{ name: 'h2', user: { token } }],
          contexts: [{ name: 'h2', context: { cluster: 'h2', user: 'h2' } }],
        }),
      );
      const r = await cli(['check', '--json', 'h2'], { KUBECONFIG: kubeconfig });
      expect(r.code, r.stderr).toBe(0);
      const c = (JSON.parse(r.stdout) as CheckJson).clusters[0];
      expect(c).toMatchObject({ verdict: 'ok', serverVersion: 'v1.32.9', username: 'h2-user' });
      expect(c?.steps.find((s) => s.step === 'tls')?.detail).toContain('(h2)');
      expect(sessions).toEqual(['h2']);
      expect(r.stdout).not.toContain(token);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('exec plugins in kubezt check', () => {
  it('does not run a plugin that must have a terminal when stdin is not one, and says so', async () => {
    const server = world.farm.server('exec');
    const log = join(world.root, 'always.log');
    const plugin = join(world.root, 'bin', 'always-plugin');
    await writeFile(
      plugin,
      `#!/bin/sh\necho ran >> '${log}'\nprintf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s"}}\\n' "$1"\n`,
    );
    await chmod(plugin, 0o755);
    const kubeconfig = join(world.root, 'always-config');
    const doc = buildKubeconfig([
      { server, name: 'needs-terminal', user: { exec: { command: plugin, args: [EXEC_TOKEN] } } },
    ]).replace('interactiveMode: Never', 'interactiveMode: Always');
    expect(doc).toContain('interactiveMode: Always');
    await writeFile(kubeconfig, doc, { mode: 0o600 });
    const seen = server.requestLog().length;
    const r = await cli(['check', '--json', '--kubeconfig', kubeconfig, 'needs-terminal']);
    expect(r.code, r.stderr).toBe(0);
    const [checked] = (JSON.parse(r.stdout) as CheckJson).clusters;
    expect(checked?.steps.find((s) => s.step === 'auth')).toMatchObject({
      status: 'skip',
      reason: 'interactive-required',
      remedy: expect.stringContaining('in a terminal'),
    });
    await expect(readFile(log, 'utf8')).rejects.toMatchObject({ code: 'ENOENT' });
    expect(
      server
        .requestLog()
        .slice(seen)
        .filter((q) => q.authorization),
    ).toEqual([]);
  });
});
