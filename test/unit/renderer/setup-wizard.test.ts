/**
 * The setup wizard's states, screen by screen, without a browser: the wizard's actions
 * (createWizardActions) and state (wizardReducer) run against the real contract client and the
 * real service layer (createAppServices) on a stand-in core whose answers the test sets, and
 * each state is rendered with the real step components (react-dom/server). The same flow in
 * Chromium, clicks and focus included, is test/browser/wizard.test.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createElement, createRef } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Change,
  createKubeztClient,
  eventChannel,
  type KubeztApi,
  type LoginStatus,
  REQUEST_NAMES,
  requestChannel,
  type SetupCandidate,
  type SetupInput,
  type SetupPreview,
  type SetupResult,
} from '../../../ipc/contract.ts';
import type { DomainPort } from '../../../main/app/ports.ts';
import { createAppServices } from '../../../main/app/services.ts';
import { UserError } from '../../../main/core/errors.ts';
import { errorOf } from '../../../renderer/src/api.ts';
import { type Async, loaded } from '../../../renderer/src/useAsync.ts';
import { SetupWizard } from '../../../renderer/src/views/Setup.tsx';
import { createWizardActions } from '../../../renderer/src/views/setup/useSetupWizard.ts';
import { initialWizardState, type WizardState, wizardReducer } from '../../../renderer/src/views/setup/wizard.ts';
import { createStandInDomain } from '../../electron/stand-in-domain.ts';
import { recordingHost } from '../../helpers/browser.ts';

const TOKEN = 'cfut_Wz8qPn3RkT7mYv2LxB5cJd9HsG4fA6eN';
const FINGERPRINT = Array.from({ length: 32 }, (_, i) => ((i * 37 + 11) % 256).toString(16).padStart(2, '0'))
  .join(':')
  .toUpperCase();
const KUBECONFIG = '/home/dev/.kube/config';

const PROD: SetupCandidate = {
  name: 'prod-us',
  sources: ['cloudflare', 'catalog'],
  server: 'https://127.0.1.7:6443',
  ips: ['127.0.1.7'],
  contextName: 'zt-prod-us',
  ca: { status: 'provided', sha256: null, subject: null, issuer: null, reason: null },
  plan: 'add',
};
const LAB: SetupCandidate = {
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
};
const GATEWAY_REASON =
  'The certificate was issued by a Cloudflare Gateway CA: the connection is inspected; add a Do Not Inspect rule.';
const EDGE: SetupCandidate = {
  name: 'edge',
  sources: ['cloudflare'],
  server: 'https://127.0.1.4:6443',
  ips: ['127.0.1.4'],
  contextName: 'zt-edge',
  ca: { status: 'refused', sha256: null, subject: null, issuer: 'CN=Gateway CA', reason: GATEWAY_REASON },
  plan: 'blocked',
};

const changesFor = (names: readonly string[]): Change[] =>
  names.flatMap((n) => [
    { action: 'added', kind: 'cluster', name: `zt-${n}`, file: KUBECONFIG, message: `added cluster zt-${n}` },
    { action: 'added', kind: 'context', name: `zt-${n}`, file: KUBECONFIG, message: `added context zt-${n}` },
  ]);

function previewOf(candidates: SetupCandidate[], input: SetupInput): SetupPreview {
  const changes = changesFor(input.selected ?? candidates.map((c) => c.name));
  const added = changes.filter((c) => c.kind === 'cluster').map((c) => `+- name: ${c.name}`);
  return {
    candidates,
    files: [KUBECONFIG],
    diff: added.length
      ? [`--- ${KUBECONFIG}`, `+++ ${KUBECONFIG}`, '@@ -1,2 +1,4 @@', '-clusters: []', ...added].join('\n')
      : '',
    changes,
    warnings: [],
  };
}

/** A request the test holds until it says so, and knows when it started. */
function gate<T>() {
  let release!: (value: T | Promise<T>) => void;
  let entered!: () => void;
  const started = new Promise<void>((resolve) => {
    entered = resolve;
  });
  return {
    started,
    release: (value: T | Promise<T>) => release(value),
    wait: () => {
      entered();
      return new Promise<T>((resolve) => {
        release = resolve;
      });
    },
  };
}

let work: string;
beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), 'kubezt-wizard-unit-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

let n = 0;
/** `window.kubezt` as the preload builds it, over the service layer instead of Electron's IPC. */
function apiOver(overrides: Partial<DomainPort>): {
  api: KubeztApi;
  seen: { tokens: string[]; inputs: SetupInput[] };
} {
  const standIn = createStandInDomain(path.join(work, `run-${++n}`));
  const seen = { tokens: [] as string[], inputs: [] as SetupInput[] };
  const core: DomainPort = {
    ...standIn.core,
    login: async (token, accountId) => {
      seen.tokens.push(token);
      return { loggedIn: true, accountId: accountId ?? 'acc-1', source: 'keychain' };
    },
    ...overrides,
  };
  const services = createAppServices(core, recordingHost().host, { log: () => {}, setTimer: () => () => {} });
  const byChannel = new Map(REQUEST_NAMES.map((name) => [requestChannel(name), name]));
  const api = createKubeztClient({
    invoke: (channel, payload) => {
      if (byChannel.get(channel) === 'previewSetup' || byChannel.get(channel) === 'applySetup') {
        seen.inputs.push(payload as SetupInput);
      }
      return services.handle(byChannel.get(channel) ?? channel, payload);
    },
    on: (channel, listener) =>
      services.onEvent((e) => {
        if (eventChannel(e.name) === channel) listener(e.payload);
      }),
  });
  return { api, seen };
}

/** The wizard as useSetupWizard runs it, with React's re-render replaced by reading `state` again. */
async function openWizard(api: KubeztApi) {
  let state: WizardState = initialWizardState();
  let login: Async<LoginStatus> = { status: 'loading' };
  let focusMoves = 0;
  const dispatch = (action: Parameters<typeof wizardReducer>[1]) => {
    state = wizardReducer(state, action);
  };
  api.onDiscoveryProgress((progress) => dispatch({ type: 'progress', progress }));
  const w = {
    get state() {
      return state;
    },
    get focusMoves() {
      return focusMoves;
    },
    actions: () =>
      createWizardActions({
        api,
        state,
        login: loaded(login) ?? null,
        dispatch,
        setLogin: (value) => {
          login = { status: 'ready', value };
        },
        focusHeading: () => focusMoves++,
      }),
    html: () =>
      renderToStaticMarkup(
        createElement(SetupWizard, {
          state,
          login,
          actions: w.actions(),
          headingRef: createRef<HTMLHeadingElement>(),
          onOpenDashboard: () => {},
        }),
      ),
    /** What the loading effect of useSetupWizard does, once the test has looked at the loading screen. */
    async loadLogin() {
      try {
        login = { status: 'ready', value: await api.getLoginStatus() };
      } catch (e) {
        login = { status: 'error', error: errorOf(e) };
      }
    },
  };
  return w;
}

// ---- reading the markup --------------------------------------------------------------------

const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&quot;/g, '"')
    .replace(/&#x27;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
const alerts = (html: string) =>
  [...html.matchAll(/<p class="inline-error" role="alert">(.*?)<\/p>/g)].map((m) => m[1]);
const heading = (html: string) => /<h2 tabindex="-1">(.*?)<\/h2>/.exec(html)?.[1];
const liveLine = (html: string) =>
  /<p class="live-line small" role="status" aria-live="polite">(.*?)<\/p>/.exec(html)?.[1];
function input(html: string, id: string): { checked: boolean; disabled: boolean; type: string | undefined } {
  const tag = new RegExp(`<input[^>]*\\bid="${id}"[^>]*>`).exec(html)?.[0];
  if (!tag) throw new Error(`no input #${id} in ${html}`);
  return {
    checked: / checked=""/.test(tag),
    disabled: / disabled=""/.test(tag),
    type: /type="([^"]+)"/.exec(tag)?.[1],
  };
}
/** The checkbox of a `.check` line whose text starts with `label`. */
function check(html: string, label: string): { checked: boolean; disabled: boolean } {
  const m = [...html.matchAll(/<label class="check"[^>]*><input([^>]*)><span>(.*?)<\/label>/g)].find((x) =>
    text(x[2] ?? '')
      .trim()
      .startsWith(label),
  );
  if (!m) throw new Error(`no checkbox "${label}" in ${html}`);
  return { checked: / checked=""/.test(m[1] ?? ''), disabled: / disabled=""/.test(m[1] ?? '') };
}
function button(html: string, label: string): { disabled: boolean } {
  const tag = [...html.matchAll(/<button([^>]*)>(.*?)<\/button>/g)].find((m) => m[2] === label);
  if (!tag) throw new Error(`no button "${label}" in ${html}`);
  return { disabled: / disabled=""/.test(tag[1] ?? '') };
}

// ---- the states ----------------------------------------------------------------------------

describe('setup wizard states', () => {
  it('loading: checks for a login first, on step 1 of 5', async () => {
    const { api } = apiOver({});
    const w = await openWizard(api);
    const html = w.html();
    expect(heading(html)).toBe('Cloudflare account');
    expect(text(html)).toContain('Checking for an existing login…');
    expect(html).toContain(
      '<li class="step-current" aria-current="step"><span class="step-number" aria-hidden="true">1</span>Cloudflare account</li>',
    );
    expect(alerts(html)).toEqual([]);
  });

  it('error: a login status that cannot be read is one sentence, not an endless "Checking…"', async () => {
    const message = 'The OS keychain is locked; unlock it and open this step again.';
    const { api } = apiOver({
      loginStatus: async () => {
        throw new UserError('keychain-unavailable', message);
      },
    });
    const w = await openWizard(api);
    await w.loadLogin();
    const html = w.html();
    expect(alerts(html)).toEqual([message]);
    expect(text(html)).not.toContain('Checking for an existing login');
  });

  it('signs in: the token leaves the form at once and never comes back', async () => {
    const login = gate<LoginStatus>();
    const seenTokens: string[] = [];
    const { api } = apiOver({
      login: async (token) => {
        seenTokens.push(token);
        return login.wait();
      },
    });
    const w = await openWizard(api);
    await w.loadLogin();
    let html = w.html();
    expect(input(html, 'cf-token').type).toBe('password');
    expect(button(html, 'Sign in').disabled).toBe(true);

    w.actions().account.setToken(`  ${TOKEN} `);
    expect(button(w.html(), 'Sign in').disabled).toBe(false);
    const signingIn = w.actions().account.signIn();
    html = w.html();
    expect(w.state.account.token).toBe('');
    expect(html).not.toContain(TOKEN);
    expect(button(html, 'Checking the token…').disabled).toBe(true);

    await login.started;
    expect(seenTokens).toEqual([TOKEN]);
    login.release({ loggedIn: true, accountId: 'acc-1', source: 'keychain' });
    await signingIn;
    html = w.html();
    expect(text(html)).toContain('Signed in to Cloudflare with the API token from your keychain, account acc-1');
    expect(button(html, 'Sign out').disabled).toBe(false);
    expect(JSON.stringify(w.state)).not.toContain(TOKEN);
  });

  it('a token main refuses: one sentence on step 1, the field emptied', async () => {
    const { api } = apiOver({
      login: async () => {
        throw new UserError(
          'cloudflare-auth',
          'Cloudflare refused this API token (invalid or expired); create a new one.',
        );
      },
    });
    const w = await openWizard(api);
    await w.loadLogin();
    w.actions().account.setToken(TOKEN);
    await w.actions().account.signIn();
    const html = w.html();
    expect(alerts(html)).toEqual(['Cloudflare refused this API token (invalid or expired); create a new one.']);
    expect(w.state.account.token).toBe('');
    expect(heading(html)).toBe('Cloudflare account');
  });

  it('discovering, then a refusal from main: the live line, then one sentence and nothing advanced', async () => {
    const asked = gate<void>();
    const discovery = gate<SetupPreview>();
    const refusal =
      'Cloudflare discovery failed and there is no cached list (HTTP 503); nothing was written, try again when the API answers.';
    const { api, seen } = apiOver({
      loginStatus: async () => ({ loggedIn: true, accountId: 'acc-1', source: 'keychain' }),
      previewSetup: async (_input, onProgress) => {
        await asked.wait();
        onProgress({ phase: 'cloudflare', message: 'Listing tunnel routes…' });
        return discovery.wait();
      },
    });
    const w = await openWizard(api);
    await w.loadLogin();
    w.actions().continueFromAccount(true);
    let html = w.html();
    expect(heading(html)).toBe('Sources');
    expect(w.focusMoves).toBe(1);
    expect(check(html, 'Cloudflare account discovery')).toEqual({ checked: true, disabled: false });
    expect(check(html, 'Team catalog file')).toEqual({ checked: false, disabled: false });
    expect(button(html, 'Discover clusters').disabled).toBe(false);

    const discovering = w.actions().discover();
    html = w.html();
    expect(liveLine(html)).toBe('Discovering clusters…');
    expect(button(html, 'Discover clusters').disabled).toBe(true);
    await asked.started;
    asked.release();
    await discovery.started;
    expect(liveLine(w.html())).toBe('Listing tunnel routes…');
    expect(seen.inputs).toEqual([{ sources: { cloudflare: true, catalogPath: null }, selected: null, trust: [] }]);

    discovery.release(Promise.reject(new UserError('cloudflare-unavailable', refusal)));
    await discovering;
    html = w.html();
    expect(heading(html)).toBe('Sources');
    expect(alerts(html)).toEqual([refusal]);
    expect(liveLine(html)).toBe('');
    expect(button(html, 'Discover clusters').disabled).toBe(false);

    // Going back clears the sentence: it was about the request, not the step.
    w.actions().go(1);
    w.actions().continueFromAccount(true);
    expect(alerts(w.html())).toEqual([]);
  });

  it('sources: without a login only the catalog can be used, and a blank path is no source', async () => {
    const { api } = apiOver({});
    const w = await openWizard(api);
    await w.loadLogin();
    w.actions().continueFromAccount(false);
    let html = w.html();
    expect(check(html, 'Cloudflare account discovery')).toEqual({ checked: false, disabled: true });
    expect(text(html)).toContain('Sign in first (step 1) to discover from Cloudflare.');
    expect(check(html, 'Team catalog file').checked).toBe(true);
    expect(input(html, 'catalog-path').type).toBe('text');
    expect(button(html, 'Discover clusters').disabled).toBe(true);
    w.actions().setSources({ catalogPath: '   ' });
    expect(button(w.html(), 'Discover clusters').disabled).toBe(true);
    w.actions().setSources({ catalogPath: ' /srv/team/clusters.yaml ' });
    html = w.html();
    expect(button(html, 'Discover clusters').disabled).toBe(false);
    expect(html).toContain('value=" /srv/team/clusters.yaml "');
  });

  it('empty candidates: says where discovery looked, and nothing can be reviewed', async () => {
    const { api } = apiOver({
      loginStatus: async () => ({ loggedIn: true, accountId: 'acc-1', source: 'keychain' }),
      previewSetup: async (input) => previewOf([], input),
    });
    const w = await openWizard(api);
    await w.loadLogin();
    w.actions().continueFromAccount(true);
    await w.actions().discover();
    const html = w.html();
    expect(heading(html)).toBe('Clusters');
    expect(text(html)).toContain('No Kubernetes API servers were found.');
    expect(html).not.toContain('<fieldset>');
    expect(button(html, 'Review changes').disabled).toBe(true);
    expect(button(html, 'Back').disabled).toBe(false);
  });

  it('candidates: the usable ones selected, a refused one blocked with its reason, a new certificate to confirm', async () => {
    const { api, seen } = apiOver({
      loginStatus: async () => ({ loggedIn: true, accountId: 'acc-1', source: 'keychain' }),
      previewSetup: async (input) => previewOf([PROD, LAB, EDGE], input),
    });
    const w = await openWizard(api);
    await w.loadLogin();
    w.actions().continueFromAccount(true);
    await w.actions().discover();
    let html = w.html();
    expect(heading(html)).toBe('Clusters');
    expect(w.focusMoves).toBe(2);
    expect(input(html, 'cand-prod-us')).toMatchObject({ checked: true, disabled: false });
    expect(input(html, 'cand-lab')).toMatchObject({ checked: false, disabled: false });
    expect(input(html, 'cand-edge')).toMatchObject({ checked: false, disabled: true });
    expect(text(html)).toContain('Cannot be added');
    expect(html).toContain(`<p class="inline-error small">${GATEWAY_REASON}</p>`);
    expect(html).toContain(`<dd class="mono">${FINGERPRINT}</dd>`);
    expect(alerts(html)).toEqual([]);
    expect(button(html, 'Review changes').disabled).toBe(false);

    // Selecting the unconfirmed certificate's cluster refuses the review until it is confirmed.
    w.actions().select('lab', true);
    html = w.html();
    expect(text(html)).toContain('Confirm the certificate of lab or unselect it.');
    expect(button(html, 'Review changes').disabled).toBe(true);
    w.actions().select('lab', false);
    w.actions().trust(LAB, true);
    html = w.html();
    expect(input(html, 'cand-lab').checked).toBe(true);
    expect(check(html, 'I checked this fingerprint').checked).toBe(true);
    expect(text(html)).not.toContain('Confirm the certificate');
    expect(button(html, 'Review changes').disabled).toBe(false);

    await w.actions().review();
    expect(seen.inputs.at(-1)).toEqual({
      sources: { cloudflare: true, catalogPath: null },
      selected: ['prod-us', 'lab'],
      trust: [{ cluster: 'lab', sha256: FINGERPRINT }],
    });
  });

  it('preview: the diff as main computed it, then applying, then the result', async () => {
    const write = gate<SetupResult>();
    const { api, seen } = apiOver({
      loginStatus: async () => ({ loggedIn: true, accountId: 'acc-1', source: 'keychain' }),
      previewSetup: async (input) => previewOf([PROD, EDGE], input),
      applySetup: async (input) => {
        const result = await write.wait();
        return { ...result, changes: changesFor(input.selected ?? []) };
      },
    });
    const w = await openWizard(api);
    await w.loadLogin();
    w.actions().continueFromAccount(true);
    await w.actions().discover();
    await w.actions().review();
    let html = w.html();
    expect(heading(html)).toBe('Review changes');
    expect(text(html)).toContain(
      `kubezt will change ${KUBECONFIG} exactly like this (a backup of the current file is kept in kubezt’s settings folder):`,
    );
    expect(html).toContain('<section class="diff" aria-label="Kubeconfig diff" tabindex="0">');
    expect(html).toContain('<span class="diff-line diff-add"><span class="sr-only">added: </span>+- name: zt-prod-us');
    expect(html).toContain('<span class="diff-line diff-del"><span class="sr-only">removed: </span>-clusters: []');
    expect(html).toContain('<li>added context zt-prod-us</li>');
    expect(button(html, 'Apply').disabled).toBe(false);

    const applying = w.actions().apply();
    html = w.html();
    expect(liveLine(html)).toBe('Writing kubeconfig…');
    expect(button(html, 'Apply').disabled).toBe(true);
    expect(heading(html)).toBe('Review changes');
    await write.started;
    write.release({ changes: [], files: [KUBECONFIG], backups: [`${KUBECONFIG}.bak`] });
    await applying;

    html = w.html();
    expect(heading(html)).toBe('Done');
    expect(seen.inputs.at(-1)).toEqual({
      sources: { cloudflare: true, catalogPath: null },
      selected: ['prod-us'],
      trust: [],
    });
    expect(html).toContain(
      '<ul class="changes changes-done"><li>added cluster zt-prod-us</li><li>added context zt-prod-us</li></ul>',
    );
    expect(text(html)).toContain(`Written: ${KUBECONFIG} · previous version kept as ${KUBECONFIG}.bak`);
    expect(liveLine(html)).toBe('');
    expect(html).toContain(
      '<span class="step-number" aria-hidden="true">✓</span>Review changes<span class="sr-only"> (done)</span>',
    );
    expect(button(html, 'Open dashboard').disabled).toBe(false);
    expect(button(html, 'Set up more').disabled).toBe(false);
  });

  it('refusal at the write: main refuses, the preview stays, one sentence says why', async () => {
    const why = `The certificate of lab is not confirmed: compare its SHA-256 fingerprint ${FINGERPRINT} and tick "I checked this fingerprint", or unselect it.`;
    const { api } = apiOver({
      loginStatus: async () => ({ loggedIn: true, accountId: 'acc-1', source: 'keychain' }),
      previewSetup: async (input) => previewOf([PROD, LAB], input),
      applySetup: async () => {
        throw new UserError('bad-input', why);
      },
    });
    const w = await openWizard(api);
    await w.loadLogin();
    w.actions().continueFromAccount(true);
    await w.actions().discover();
    await w.actions().review();
    await w.actions().apply();
    const html = w.html();
    expect(heading(html)).toBe('Review changes');
    expect(alerts(html).map((a) => text(a ?? '').trim())).toEqual([why]);
    expect(button(html, 'Apply').disabled).toBe(false);
    expect(html).toContain('aria-label="Kubeconfig diff"');
  });

  it('nothing to change: says so, shows no diff, and cannot apply', async () => {
    const { api } = apiOver({
      loginStatus: async () => ({ loggedIn: true, accountId: 'acc-1', source: 'keychain' }),
      previewSetup: async (input) =>
        input.selected === null
          ? previewOf([{ ...PROD, plan: 'unchanged' }], input)
          : { ...previewOf([{ ...PROD, plan: 'unchanged' }], input), diff: '', changes: [] },
    });
    const w = await openWizard(api);
    await w.loadLogin();
    w.actions().continueFromAccount(true);
    await w.actions().discover();
    expect(text(w.html())).toContain('Already there and up to date');
    await w.actions().review();
    const html = w.html();
    expect(text(html)).toContain('Your kubeconfig already has these contexts: nothing to change.');
    expect(html).not.toContain('Kubeconfig diff');
    expect(button(html, 'Apply').disabled).toBe(true);
  });
});

describe('wizard state', () => {
  it("each step starts without the last one's error and with a fresh sign-in form", () => {
    let s = initialWizardState();
    s = wizardReducer(s, { type: 'account', change: { token: 'typed', editing: true } });
    s = wizardReducer(s, { type: 'failed', error: { code: 'bad-input', message: 'No.' } });
    s = wizardReducer(s, { type: 'go', step: 2 });
    expect(s.error).toBeNull();
    expect(s.account).toEqual({ editing: false, token: '', accountId: '', busy: false, error: null });
  });

  it('unticking a certificate keeps the cluster selected (the review then refuses it)', () => {
    let s = wizardReducer(initialWizardState(), {
      type: 'discovered',
      preview: previewOf([PROD, LAB], { sources: { cloudflare: true, catalogPath: null }, selected: null, trust: [] }),
    });
    s = wizardReducer(s, { type: 'trust', candidate: LAB, on: true });
    expect([...s.selected]).toEqual(['prod-us', 'lab']);
    s = wizardReducer(s, { type: 'trust', candidate: LAB, on: false });
    expect([...s.selected]).toEqual(['prod-us', 'lab']);
    expect(s.trusted.size).toBe(0);
  });
});
