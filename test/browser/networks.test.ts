/**
 * WARP's client profile and each cluster's network in the dashboard, in Chromium: the pill names
 * the mode, the organization and the active virtual network, and switching it goes through the
 * `switchVirtualNetwork` request; a mode that routes no private IPs raises a banner, and so does a
 * device enrolled in another organization than the clusters' account; a row shows a
 * non-default virtual network, its tunnel's status and connections, and the context's namespace,
 * which the user edits inline and which lands in a real kubeconfig file (the core's splice).
 * Screenshots: test-results/browser/networks-*.png.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { ProbeResultView, WarpStateView } from '../../ipc/contract.ts';
import type { DomainPort } from '../../main/app/ports.ts';
import { createAppServices } from '../../main/app/services.ts';
import { setKubeconfigNamespace } from '../../main/core/kubeconfig/namespace.ts';
import { clusterView, createStandInDomain, probeResult, warpState } from '../electron/stand-in-domain.ts';
import { captureSchemes, chromiumSuite, describeViolations, openApp, recordingHost } from '../helpers/browser.ts';

const suite = chromiumSuite('networks');

const NETS = [
  { id: 'a1b2c3d4-0000-4000-8000-000000000001', name: 'default-net', default: true },
  { id: 'a1b2c3d4-0000-4000-8000-000000000002', name: 'lab-net', default: false },
] as const;

function warpWith(active: string, mode: 'traffic-and-dns' | 'dns-only' = 'traffic-and-dns'): WarpStateView {
  const routes = mode === 'traffic-and-dns';
  return {
    ...warpState('connected'),
    mode: {
      raw: routes ? 'WarpWithDnsOverHttps' : 'DnsOverHttps',
      kind: mode,
      label: routes ? 'Traffic and DNS mode' : 'DNS only mode',
      privateRouting: routes,
      managed: false,
    },
    privateRouting: routes,
    organization: 'acme-corp',
    splitTunnel: { mode: 'exclude', entries: ['10.0.0.0/8'], managed: false },
    virtualNetworks: { active, list: NETS.map((n) => ({ ...n, active: n.id === active })) },
  };
}

function tunnelDown(cluster: string): ProbeResultView {
  const r = probeResult(cluster, 'unreachable');
  return {
    ...r,
    verdict: 'tunnel-down',
    summary: 'The cloudflared connectors of tunnel k8s-lab have had no connection since 2026-12-05T22:10:00Z.',
  };
}

const KUBECONFIG = `# team kubeconfig: comments and order stay
apiVersion: v1
kind: Config
clusters:
- name: zt-prod-us
  cluster: {server: "https://127.0.1.7:6443"}
- name: zt-lab
  cluster: {server: "https://127.0.1.3:6443"}
contexts:
- name: zt-prod-us
  context:
    cluster: zt-prod-us
    user: dev
    namespace: payments
- name: zt-lab
  context:
    cluster: zt-lab
    user: dev
current-context: zt-prod-us
users:
- name: dev
  user: {token: not-a-real-token}
`;

function fleet(name: string) {
  const dir = path.join(suite.work, name);
  mkdirSync(dir, { recursive: true });
  const kubeconfig = path.join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, KUBECONFIG);
  const standIn = createStandInDomain(dir);
  standIn.pushWarp(warpWith(NETS[0].id));
  standIn.state.clusters = [
    clusterView('prod-us', {
      namespace: 'payments',
      virtualNetwork: { id: NETS[0].id, name: 'default-net', isDefault: true },
      tunnelState: { status: 'healthy', connections: 4, colos: ['ams01', 'fra02'], since: '2026-12-01T08:00:00Z' },
    }),
    clusterView('lab', {
      tunnel: { name: 'k8s-lab', health: 'down' },
      virtualNetwork: { id: NETS[1].id, name: 'lab-net', isDefault: false },
      tunnelState: { status: 'down', connections: 0, colos: [], since: '2026-12-05T22:10:00Z' },
    }),
  ];
  standIn.state.currentContext = 'zt-prod-us';
  standIn.state.results.set('lab', tunnelDown('lab'));
  const switched: string[] = [];
  const written: string[] = [];
  const overrides: Partial<DomainPort> = {
    // The real splice on a real file; the stand-in's list follows what was written.
    async setNamespace(cluster, namespace) {
      const row = standIn.state.clusters.find((c) => c.name === cluster);
      const r = await setKubeconfigNamespace({ paths: [kubeconfig], namespace, context: row?.context ?? cluster });
      written.push(`${r.context}=${r.namespace}`);
      if (row) row.namespace = namespace;
      return r;
    },
    async switchVirtualNetwork(id) {
      switched.push(id);
      const next = warpWith(id);
      standIn.pushWarp(next);
      return next;
    },
  };
  const { host } = recordingHost();
  const services = createAppServices({ ...standIn.core, ...overrides }, host, {
    log: () => {},
    setTimer: () => () => {},
  });
  return { standIn, services, kubeconfig, switched, written };
}

const row = (page: Page, name: string) => page.getByRole('row').filter({ has: page.getByRole('rowheader', { name }) });

describe('WARP profile, networks and namespaces in the dashboard', () => {
  it('shows mode, organization and virtual network, switches the network, and shows each row’s network and tunnel', async () => {
    const { services, switched } = fleet('profile');
    await services.start();
    const app = await openApp(suite.browser, { services, url: suite.url, colorScheme: 'light' });
    const { page } = app;
    try {
      await page.locator('table.clusters[aria-busy="false"]').waitFor();
      const pill = page.getByRole('status').filter({ hasText: 'WARP connected' });
      await pill.waitFor();
      expect(await pill.textContent()).toContain('Traffic and DNS mode');
      expect(await pill.textContent()).toContain('acme-corp');
      expect(await pill.getAttribute('title')).toContain('Virtual networks: default-net (active), lab-net');

      // The row in another network says which; the one in the default network does not.
      const lab = row(page, 'lab');
      expect(await lab.locator('.badge-vnet').textContent()).toContain('lab-net');
      expect(await row(page, 'prod-us').locator('.badge-vnet').count()).toBe(0);
      // Tunnel status and connections, colos in the title.
      const prodTunnel = row(page, 'prod-us').locator('.cell-tunnel .health');
      expect(await prodTunnel.textContent()).toBe('healthy ·4');
      expect(await prodTunnel.getAttribute('title')).toBe(
        'Tunnel k8s-prod-us: healthy, 4 connections (ams01, fra02) since 2026-12-01T08:00:00Z',
      );
      expect(await lab.locator('.cell-tunnel .health').getAttribute('title')).toContain('down, 0 connections');
      await lab.getByRole('link', { name: 'Tunnel down' }).waitFor();
      // The current context's namespace in the list's header, whole.
      await page.getByText('namespace payments').waitFor();
      // Namespaces: the one set, and kubectl's default shown as such.
      expect(await row(page, 'prod-us').locator('.cell-namespace').textContent()).toBe('payments');
      expect(await lab.locator('.cell-namespace').textContent()).toBe('default');

      // Rows stay one line with the new columns, nothing clipped.
      const heights = await page
        .locator('table.clusters tbody tr')
        .evaluateAll((rows) => rows.map((r) => Math.round(r.getBoundingClientRect().height)));
      expect(heights).toEqual([44, 44]);
      // Each cell but the name's (whose ellipsis is its design) shows all of its text.
      const clipped = await page
        .locator('table.clusters tbody td')
        .evaluateAll((cells) =>
          cells.filter((c) => c.scrollWidth > c.clientWidth).map((c) => `${c.textContent}: ${c.scrollWidth}`),
        );
      expect(clipped).toEqual([]);

      const violations = await captureSchemes(page, 'networks-dashboard');
      expect(describeViolations(violations.light)).toBe('');
      expect(describeViolations(violations.dark)).toBe('');

      // Switching the network: one typed request, and the pill follows the new state.
      await page.getByRole('combobox', { name: 'WARP virtual network' }).selectOption(NETS[1].id);
      await page
        .getByRole('status')
        .filter({ hasText: 'WARP connected' })
        .and(page.locator('[title*="lab-net (active)"]'))
        .waitFor();
      expect(switched).toEqual([NETS[1].id]);
      expect(app.calls).toContain('switchVirtualNetwork');
    } finally {
      await app.close();
      await services.stop();
    }
  });

  it('warns when the WARP mode routes no private IPs', async () => {
    const { standIn, services } = fleet('mode');
    standIn.pushWarp(warpWith(NETS[0].id, 'dns-only'));
    await services.start();
    const app = await openApp(suite.browser, { services, url: suite.url, colorScheme: 'light' });
    try {
      const alert = app.page.getByRole('alert').filter({ hasText: 'routes no private IPs' });
      await alert.waitFor();
      expect(await alert.textContent()).toContain('DNS only mode');
      expect(await alert.textContent()).toContain('Traffic and DNS mode');
      const pill = app.page.getByRole('status').filter({ hasText: 'WARP connected' });
      expect(await pill.getAttribute('class')).toContain('pill-warn');
      expect(await pill.getAttribute('title')).toContain('This mode routes no private IPs');
      await captureSchemes(app.page, 'networks-mode-warning');
    } finally {
      await app.close();
      await services.stop();
    }
  });

  it('says when WARP is enrolled in another Zero Trust organization than the clusters’ account', async () => {
    const { standIn, services } = fleet('organization');
    const sentence =
      'WARP is enrolled in Zero Trust organization "acme-corp", but the clusters come from account 0123456789abcdef0123456789abcdef (organization "acme-prod"): the routes are reachable only from devices enrolled in "acme-prod"; re-enroll with "warp-cli registration new acme-prod" or ask your Zero Trust admin.';
    standIn.pushWarp({
      ...warpWith(NETS[0].id),
      organizationMatch: { state: 'mismatch', deviceTeam: 'acme-corp', discoveryTeams: ['acme-prod'], sentence },
    });
    await services.start();
    const app = await openApp(suite.browser, { services, url: suite.url, colorScheme: 'light' });
    try {
      await app.page.locator('table.clusters[aria-busy="false"]').waitFor();
      const alert = app.page.getByRole('alert').filter({ hasText: 'WARP is enrolled in Zero Trust organization' });
      await alert.waitFor();
      expect(await alert.textContent()).toContain(sentence);
      const violations = await captureSchemes(app.page, 'networks-organization');
      expect(describeViolations(violations.light)).toBe('');
      expect(describeViolations(violations.dark)).toBe('');

      // Enrolled in the account's organization again: the banner goes.
      standIn.pushWarp({
        ...warpWith(NETS[0].id),
        organization: 'acme-prod',
        organizationMatch: { state: 'match', deviceTeam: 'acme-prod', discoveryTeams: ['acme-prod'], sentence: null },
      });
      await app.page.getByRole('alert').waitFor({ state: 'detached' });
    } finally {
      await app.close();
      await services.stop();
    }
  });

  it('changes a namespace inline: a bad name is refused with the core’s sentence, a good one lands in the kubeconfig', async () => {
    const { services, kubeconfig, written } = fleet('namespace');
    await services.start();
    const app = await openApp(suite.browser, { services, url: suite.url, colorScheme: 'light' });
    const { page } = app;
    try {
      await page.locator('table.clusters[aria-busy="false"]').waitFor();
      await page.getByRole('button', { name: 'Namespace of lab: default. Change it' }).click();
      const input = page.getByRole('textbox', { name: 'Namespace of lab' });
      await input.fill('Bad_Name');
      await input.press('Enter');
      await page.getByRole('alert').filter({ hasText: '"Bad_Name" is not a namespace name' }).waitFor();
      expect(await input.getAttribute('aria-invalid')).toBe('true');
      expect(written).toEqual([]);

      await input.fill('kube-system');
      await input.press('Enter');
      await page.getByRole('button', { name: 'Namespace of lab: kube-system. Change it' }).waitFor();
      expect(written).toEqual(['zt-lab=kube-system']);
      expect(app.calls).toContain('setNamespace');
      const text = readFileSync(kubeconfig, 'utf8');
      // Only the lab context gained a namespace line; every other byte is as it was.
      expect(text).toBe(
        KUBECONFIG.replace(
          '    cluster: zt-lab\n    user: dev\n',
          '    cluster: zt-lab\n    user: dev\n    namespace: kube-system\n',
        ),
      );
      // Esc leaves the value alone.
      await page.getByRole('button', { name: 'Namespace of prod-us: payments. Change it' }).click();
      await page.getByRole('textbox', { name: 'Namespace of prod-us' }).press('Escape');
      await page.getByRole('button', { name: 'Namespace of prod-us: payments. Change it' }).waitFor();
      expect(written).toEqual(['zt-lab=kube-system']);
    } finally {
      await app.close();
      await services.stop();
    }
  });
});
