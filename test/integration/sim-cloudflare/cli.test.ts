import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const MAIN = fileURLToPath(new URL('../../../sim/cloudflare/main.ts', import.meta.url));
const NODE = fileURLToPath(new URL('../../../node_modules/.bin/node', import.meta.url));

describe('node sim/cloudflare/main.ts', () => {
  it('prints the SDK environment, serves it, and stops on SIGINT', async () => {
    const child = spawn(NODE, [MAIN, '--clusters', '5', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const env: Record<string, string> = {};
    const lines = createInterface({ input: child.stdout });
    for await (const line of lines) {
      const [key, ...value] = line.split('=');
      if (key) env[key] = value.join('=');
      if (Object.keys(env).length === 3) break;
    }
    expect(env.CLOUDFLARE_BASE_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/client\/v4$/);
    expect(env.CLOUDFLARE_ACCOUNT_ID).toMatch(/^[0-9a-f]{32}$/);
    const res = await fetch(
      `${env.CLOUDFLARE_BASE_URL}/accounts/${env.CLOUDFLARE_ACCOUNT_ID}/teamnet/routes?is_deleted=false&per_page=1000`,
      { headers: { authorization: `Bearer ${env.CLOUDFLARE_API_TOKEN}` } },
    );
    const body = (await res.json()) as {
      result: { comment?: string; network?: string; virtual_network_name?: string }[];
    };
    const apiRoutes = body.result.filter((r) => / kubernetes API \(IPv[46]\)$/.test(r.comment ?? ''));
    // 5 dual-stack API servers, and the first one's IPv4 routed again in a second network.
    expect(apiRoutes).toHaveLength(11);
    const shared = apiRoutes.filter((r) => r.network === '198.51.100.101/32').map((r) => r.virtual_network_name);
    expect(shared.sort()).toEqual(['default', 'staging-vnet']);
    const exited = once(child, 'exit');
    child.kill('SIGINT');
    const [code] = await exited;
    expect(code).toBe(0);
  });

  it('refuses a bad argument with exit code 2', async () => {
    const child = spawn(NODE, [MAIN, '--clusters', 'many'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const [code] = await once(child, 'exit');
    expect(code).toBe(2);
    expect(stderr).toMatch(/usage/);
  });
});
