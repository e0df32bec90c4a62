import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { GatewayPolicyBodies } from '../../../main/core/discovery/cloudflare/gateway-policy.ts';
import { hclString, LIST_ID_PLACEHOLDER } from '../../../main/core/discovery/cloudflare/gateway-policy.ts';
import { seedFromClusters } from '../../../sim/cloudflare/index.ts';
import { runCli } from '../../helpers/cli.ts';
import { parseJson, startWorld, type World } from './world.ts';

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

// Two networks sharing 10.30.0.10, and a cluster no Do Not Inspect policy covers.
const SEED = () =>
  seedFromClusters([
    { name: 'prod-api', ipv4: '10.30.0.10', ipv6: '2001:db8::10', tunnelName: 'k8s-prod-api' },
    { name: 'prod-api', ipv4: '10.30.0.10', tunnelName: 'k8s-prod-api', virtualNetwork: 'staging-vnet' },
    { name: 'exposed', ipv4: '10.30.0.11', tunnelName: 'k8s-exposed', doNotInspect: false },
  ]);

const TERRAFORM = '/usr/local/bin/terraform';

function terraformFmtCheck(hcl: string): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(TERRAFORM, ['fmt', '-check', '-'], (error, _stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stderr });
    });
    child.stdin?.end(hcl);
  });
}

describe('kubezt gateway-policy', () => {
  it('--json: the list and rule bodies; installed in the account, they cover every API IP', async () => {
    world = await startWorld({ catalog: false, seed: SEED() });
    const r = await runCli(['gateway-policy', '--json'], { env: world.env() });
    expect(r.code, r.stderr).toBe(0);
    const bodies = JSON.parse(r.stdout) as GatewayPolicyBodies;
    expect(bodies.list).toMatchObject({ name: 'Kubernetes API servers', type: 'IP' });
    expect(bodies.list.items).toEqual([
      { value: '10.30.0.10/32', description: 'kubezt: prod-api, prod-api-staging-vnet (staging-vnet)' },
      { value: '10.30.0.11/32', description: 'kubezt: exposed' },
      { value: '2001:db8::10/128', description: 'kubezt: prod-api' },
    ]);
    expect(bodies.rule).toEqual({
      name: 'Do not inspect Kubernetes API servers',
      description: expect.any(String),
      action: 'off',
      enabled: true,
      filters: ['http'],
      traffic: `any(http.conn.dst_ip[*] in $${LIST_ID_PLACEHOLDER})`,
    });
    const before = parseJson((await runCli(['clusters', '--json'], { env: world.env() })).stdout);
    expect(before.gatewayAudit.filter((a) => !a.doNotInspect).map((a) => a.ip)).toEqual(['10.30.0.11']);
    // The shared IP is audited once per network's cluster, each under its own name.
    expect(before.gatewayAudit.filter((a) => a.ip === '10.30.0.10').map((a) => a.cluster)).toEqual([
      'prod-api',
      'prod-api-staging-vnet',
    ]);

    // What an admin would do with the two bodies: create the list, then the rule naming its id.
    const seed = SEED();
    const listId = '7d6c8b1e-2f3a-4c5d-8e9f-0a1b2c3d4e5f';
    seed.gatewayLists.push({
      list: { id: listId, name: bodies.list.name, description: bodies.list.description, type: 'IP' },
      items: bodies.list.items.map((i) => ({ value: i.value, description: i.description })),
    });
    seed.gatewayRules.push({
      ...bodies.rule,
      id: 'a1b2c3d4-0000-4000-a000-000000000001',
      precedence: 9000,
      traffic: bodies.rule.traffic.replace(LIST_ID_PLACEHOLDER, listId),
    });
    world.api.setSeed(seed);
    const after = parseJson((await runCli(['clusters', '--json', '--refresh'], { env: world.env() })).stdout);
    expect(after.gatewayAudit.length).toBe(4);
    expect(after.gatewayAudit.every((a) => a.doNotInspect)).toBe(true);
    const text = await runCli(['gateway-policy'], { env: world.env() });
    expect(text.stdout).toContain('All 3 API IPs are exempt from HTTP inspection.');
  });

  it('without an option: which IPs are covered and which not; the TLS finding on stderr', async () => {
    world = await startWorld({ catalog: false, seed: SEED() });
    const r = await runCli(['gateway-policy'], { env: world.env() });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^10\.30\.0\.11 {2}exposed {2}NOT covered by any enabled Do Not Inspect policy$/m);
    expect(r.stdout).toMatch(/^10\.30\.0\.10 {2}prod-api {2}covered by "Do not inspect/m);
    expect(r.stdout).toContain('1 of 3 API IPs lack a Do Not Inspect policy');
    expect(r.stderr).toMatch(/10\.30\.0\.11 \(cluster exposed\).*port 6443 only because "inspect on all ports" is on/);
  });

  it.skipIf(!existsSync(TERRAFORM))(
    '--terraform: provider v5 resources that terraform fmt accepts as they are',
    async () => {
      world = await startWorld({ catalog: false, seed: SEED() });
      const r = await runCli(['gateway-policy', '--terraform'], { env: world.env() });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('resource "cloudflare_zero_trust_list" "kubernetes_api_servers" {');
      expect(r.stdout).toContain(
        'resource "cloudflare_zero_trust_gateway_policy" "do_not_inspect_kubernetes_api_servers" {',
      );
      expect(r.stdout).toContain(`account_id  = "${world.api.accountId}"`);
      expect(r.stdout).toContain(
        '{ value = "10.30.0.10/32", description = "kubezt: prod-api, prod-api-staging-vnet (staging-vnet)" },',
      );
      expect(r.stdout).toContain(
        'traffic     = format("any(http.conn.dst_ip[*] in $%s)", cloudflare_zero_trust_list.kubernetes_api_servers.id)',
      );
      const fmt = await terraformFmtCheck(r.stdout);
      expect(fmt.code, fmt.stderr).toBe(0);
    },
  );

  it('bad usage and no source: exit 2 with one sentence', async () => {
    world = await startWorld({ catalog: false, seed: SEED() });
    const both = await runCli(['gateway-policy', '--json', '--terraform'], { env: world.env() });
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/give one/);
    const none = await runCli(['gateway-policy'], {
      env: world.env({ CLOUDFLARE_API_TOKEN: undefined, CLOUDFLARE_ACCOUNT_ID: undefined }),
    });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/run "kubezt login"/);
  });
});

describe('HCL strings', () => {
  it('escapes quotes, backslashes and template sequences', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: an HCL template sequence, on purpose
    expect(hclString('a "b" \\ ${x} %{y}\n')).toBe('"a \\"b\\" \\\\ $${x} %%{y}\\n"');
  });
});
