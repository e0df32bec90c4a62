/**
 * The setup wizard's screens and rules in Chromium: the token goes in and never comes back, a
 * certificate without a known CA must be confirmed before it can be written, a Gateway-issued one
 * is refused, the diff is shown as is, and the result lists what changed. The discovery and the
 * kubeconfig write are the stand-in's here; the same flow writing a real kubeconfig against the
 * simulator, on the real core, is in test/browser/e2e.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Change, SetupCandidate, SetupInput } from '../../ipc/contract.ts';
import type { DomainPort } from '../../main/app/ports.ts';
import { createAppServices } from '../../main/app/services.ts';
import { createStandInDomain } from '../electron/stand-in-domain.ts';
import {
  describeViolations,
  launchChromium,
  openApp,
  recordingHost,
  requireBuild,
  runAxe,
  saveScreenshot,
  serveRenderer,
} from '../helpers/browser.ts';

const TOKEN = 'cfut_Wz8qPn3RkT7mYv2LxB5cJd9HsG4fA6eN';
const FINGERPRINT = Array.from({ length: 32 }, (_, i) => ((i * 37 + 11) % 256).toString(16).padStart(2, '0'))
  .join(':')
  .toUpperCase();

/** Longer than any window is wide, with no space to break at (as base64 is). */
const LONG_LINE = 'LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t'.repeat(12);

let browser: Browser;
let server: Awaited<ReturnType<typeof serveRenderer>>;
let work: string;

beforeAll(async () => {
  requireBuild();
  work = mkdtempSync(path.join(tmpdir(), 'kubezt-wizard-'));
  [browser, server] = await Promise.all([launchChromium(), serveRenderer()]);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

const candidates: SetupCandidate[] = [
  {
    name: 'prod-us',
    sources: ['cloudflare', 'catalog'],
    server: 'https://127.0.1.7:6443',
    ips: ['127.0.1.7'],
    contextName: 'zt-prod-us',
    ca: { status: 'provided', sha256: null, subject: null, issuer: null, reason: null },
    plan: 'add',
  },
  {
    name: 'lab',
    sources: ['cloudflare'],
    server: 'https://127.0.1.3:6443',
    ips: ['127.0.1.3'],
    contextName: 'zt-lab',
    ca: {
      status: 'needs-confirmation',
      sha256: FINGERPRINT,
      subject: 'CN=kube-apiserver',
      issuer: 'CN=lab-ca',
      reason: null,
    },
    plan: 'add',
  },
  {
    name: 'edge',
    sources: ['cloudflare'],
    server: 'https://127.0.1.4:6443',
    ips: ['127.0.1.4'],
    contextName: 'zt-edge',
    ca: {
      status: 'refused',
      sha256: null,
      subject: null,
      issuer: 'CN=Gateway CA - Cloudflare Managed G1',
      reason:
        'The certificate was issued by a Cloudflare Gateway CA: the connection is inspected; add a Do Not Inspect rule.',
    },
    plan: 'blocked',
  },
];

function wizardCore(name: string) {
  const standIn = createStandInDomain(path.join(work, name));
  const kubeconfig = path.join(work, name, 'kube', 'config');
  const seen = { tokens: [] as string[], previews: [] as SetupInput[], applied: [] as SetupInput[] };
  const changesFor = (input: SetupInput): Change[] =>
    (input.selected ?? candidates.map((c) => c.name))
      .filter((n) => n !== 'edge')
      .flatMap((n) => [
        { action: 'added', kind: 'cluster', name: `zt-${n}`, file: kubeconfig, message: `added cluster zt-${n}` },
        { action: 'added', kind: 'context', name: `zt-${n}`, file: kubeconfig, message: `added context zt-${n}` },
      ]);
  let loggedIn = false;
  const core: DomainPort = {
    ...standIn.core,
    loginStatus: async () =>
      loggedIn
        ? { loggedIn: true, accountId: 'acc-1', source: 'keychain' }
        : { loggedIn: false, accountId: null, source: null },
    login: async (token, accountId) => {
      seen.tokens.push(token);
      loggedIn = true;
      return { loggedIn: true, accountId: accountId ?? 'acc-1', source: 'keychain' };
    },
    previewSetup: async (input, onProgress) => {
      seen.previews.push(input);
      onProgress({ phase: 'cloudflare', message: 'Listing tunnel routes…' });
      const changes = changesFor(input);
      return {
        candidates,
        files: [kubeconfig],
        diff: [
          `--- ${kubeconfig}`,
          `+++ ${kubeconfig}`,
          '@@ -1,3 +1,9 @@',
          ' apiVersion: v1',
          '-clusters: []',
          '+clusters:',
          ...changes.filter((c) => c.kind === 'cluster').map((c) => `+- name: ${c.name}`),
          `+    certificate-authority-data: ${LONG_LINE}`,
        ].join('\n'),
        changes,
        warnings: [],
      };
    },
    applySetup: async (input) => {
      seen.applied.push(input);
      return { changes: changesFor(input), files: [kubeconfig], backups: [`${kubeconfig}.bak`] };
    },
  };
  const { host } = recordingHost();
  return { services: createAppServices(core, host, { log: () => {}, setTimer: () => () => {} }), seen, kubeconfig };
}

describe('setup wizard', () => {
  it('signs in, requires the fingerprint confirmation, shows the diff and the result', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const { services, seen, kubeconfig } = wizardCore(`wizard-${colorScheme}`);
      const responses: string[] = [];
      const app = await openApp(browser, { services, url: server.url, colorScheme, hash: 'setup' });
      const { page } = app;
      page.on('console', (m) => responses.push(m.text()));

      // 1. Token: goes to main, the field is emptied, and no answer carries it.
      await page.getByLabel('API token').fill(TOKEN);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByText('Signed in to Cloudflare').waitFor();
      expect(seen.tokens).toEqual([TOKEN]);
      const answers = await Promise.all([services.handle('getLoginStatus', undefined)]);
      expect(JSON.stringify(answers)).not.toContain(TOKEN);
      expect(await page.content()).not.toContain(TOKEN);
      await page.getByRole('button', { name: 'Continue' }).click();

      // 2. Sources.
      await page.getByRole('heading', { level: 2, name: 'Sources' }).waitFor();
      expect(await page.getByLabel(/Cloudflare account discovery/).isChecked()).toBe(true);
      await page.getByRole('button', { name: 'Discover clusters' }).click();

      // 3. Candidates: the TOFU cluster starts unselected; selecting it without trust blocks review.
      await page.getByRole('heading', { level: 2, name: 'Clusters' }).waitFor();
      expect(seen.previews[0]).toEqual({ sources: { cloudflare: true, catalogPath: null }, selected: null, trust: [] });
      expect(await page.getByRole('checkbox', { name: /prod-us/ }).isChecked()).toBe(true);
      expect(await page.getByRole('checkbox', { name: /^edge/ }).isDisabled()).toBe(true);
      await page.getByText('The certificate was issued by a Cloudflare Gateway CA').waitFor();
      await page.getByRole('checkbox', { name: /^lab/ }).check();
      expect(await page.getByRole('button', { name: 'Review changes' }).isDisabled()).toBe(true);
      await page.getByText(FINGERPRINT).waitFor();
      await saveScreenshot(page, `setup-clusters-${colorScheme}`);
      let violations = await runAxe(page);
      expect(violations, describeViolations(violations)).toEqual([]);
      await page.getByRole('checkbox', { name: /I checked this fingerprint/ }).check();
      await page.getByRole('button', { name: 'Review changes' }).click();

      // 4. The exact diff, and what it means.
      await page.getByRole('heading', { level: 2, name: 'Review changes' }).waitFor();
      expect(seen.previews[1]).toEqual({
        sources: { cloudflare: true, catalogPath: null },
        selected: ['prod-us', 'lab'],
        trust: [{ cluster: 'lab', sha256: FINGERPRINT }],
      });
      const diff = page.getByRole('region', { name: 'Kubeconfig diff' });
      expect(await diff.textContent()).toContain(`--- ${kubeconfig}`);
      expect(await diff.textContent()).toContain('+- name: zt-lab');
      expect(await page.getByRole('listitem').filter({ hasText: 'added context zt-lab' }).count()).toBe(1);
      // The diff card takes the view's width, and a long line wraps inside it instead of being cut.
      const layout = await diff.evaluate((el) => {
        const main = document.querySelector('main') as HTMLElement;
        const card = el.closest('.card') as HTMLElement;
        const pad = Number.parseFloat(getComputedStyle(main).paddingLeft) * 2;
        const long = [...el.querySelectorAll('.diff-line')].find((l) =>
          l.textContent?.includes('certificate-authority'),
        );
        return {
          available: main.clientWidth - pad,
          card: card.getBoundingClientRect().width,
          scroll: el.scrollWidth,
          client: el.clientWidth,
          longRight: long?.getBoundingClientRect().right ?? Number.POSITIVE_INFINITY,
          right: el.getBoundingClientRect().right,
        };
      });
      expect(layout.card, JSON.stringify(layout)).toBeGreaterThan(layout.available * 0.97);
      expect(layout.scroll, JSON.stringify(layout)).toBeLessThanOrEqual(layout.client);
      expect(layout.longRight).toBeLessThanOrEqual(layout.right);
      expect(await diff.textContent()).toContain(LONG_LINE);
      await saveScreenshot(page, `setup-diff-${colorScheme}`);
      violations = await runAxe(page);
      expect(violations, describeViolations(violations)).toEqual([]);

      // 5. Apply, then the result.
      await page.getByRole('button', { name: 'Apply' }).click();
      await page.getByRole('heading', { level: 2, name: 'Done' }).waitFor();
      expect(seen.applied).toEqual([seen.previews[1]]);
      await page.getByText('added context zt-prod-us').waitFor();
      await page.getByText(`${kubeconfig}.bak`, { exact: false }).waitFor();
      await saveScreenshot(page, `setup-done-${colorScheme}`);
      expect(responses.join('\n')).not.toContain(TOKEN);
      await app.close();
    }
  });
});
