/**
 * The setup wizard's state and rules, as pure data: what each step shows, what the user picked,
 * and what the next request to main will be. useSetupWizard runs it with React; the tests run it
 * as is.
 */
import type {
  DiscoveryProgress,
  IpcError,
  LoginStatus,
  SetupCandidate,
  SetupInput,
  SetupPreview,
  SetupResult,
  SetupSources,
} from '../../../../ipc/contract.ts';

export type Step = 1 | 2 | 3 | 4 | 5;

export const STEPS: readonly { step: Step; label: string }[] = [
  { step: 1, label: 'Cloudflare account' },
  { step: 2, label: 'Sources' },
  { step: 3, label: 'Clusters' },
  { step: 4, label: 'Review changes' },
  { step: 5, label: 'Done' },
];

/** The sign-in form of step 1. */
export interface AccountForm {
  /** Replacing a token that works: the form shows instead of the signed-in summary. */
  editing: boolean;
  /** Typed by the user, emptied the moment it is sent to main. */
  token: string;
  accountId: string;
  busy: boolean;
  error: IpcError | null;
}

export interface SourceChoice {
  useCloudflare: boolean;
  useCatalog: boolean;
  catalogPath: string;
}

export interface WizardState extends SourceChoice {
  step: Step;
  candidates: readonly SetupCandidate[];
  selected: ReadonlySet<string>;
  /** Confirmed certificates: cluster name → SHA-256 fingerprint. */
  trusted: ReadonlyMap<string, string>;
  preview: SetupPreview | null;
  result: SetupResult | null;
  /** What is running, as the live line says it; null when nothing is. */
  busy: string | null;
  error: IpcError | null;
  progress: DiscoveryProgress | null;
  account: AccountForm;
}

export type WizardAction =
  | { type: 'go'; step: Step }
  | { type: 'sources'; change: Partial<SourceChoice> }
  | { type: 'started'; label: string }
  | { type: 'failed'; error: IpcError }
  | { type: 'error'; error: IpcError | null }
  | { type: 'progress'; progress: DiscoveryProgress }
  | { type: 'discovered'; preview: SetupPreview }
  | { type: 'reviewed'; preview: SetupPreview }
  | { type: 'applied'; result: SetupResult }
  | { type: 'select'; name: string; on: boolean }
  | { type: 'trust'; candidate: SetupCandidate; on: boolean }
  | { type: 'account'; change: Partial<AccountForm> };

const NEW_ACCOUNT_FORM: AccountForm = { editing: false, token: '', accountId: '', busy: false, error: null };

export function initialWizardState(): WizardState {
  return {
    step: 1,
    useCloudflare: true,
    useCatalog: false,
    catalogPath: '',
    candidates: [],
    selected: new Set(),
    trusted: new Map(),
    preview: null,
    result: null,
    busy: null,
    error: null,
    progress: null,
    account: NEW_ACCOUNT_FORM,
  };
}

/** Each step starts clean: no error from the last one, and a fresh sign-in form. */
function atStep(state: WizardState, step: Step): WizardState {
  return { ...state, step, error: null, account: NEW_ACCOUNT_FORM };
}

export function wizardReducer(state: WizardState, action: WizardAction): WizardState {
  switch (action.type) {
    case 'go':
      return atStep(state, action.step);
    case 'sources':
      return { ...state, ...action.change };
    case 'started':
      return { ...state, busy: action.label, error: null, progress: null };
    case 'failed':
      return { ...state, busy: null, error: action.error };
    case 'error':
      return { ...state, error: action.error };
    case 'progress':
      return { ...state, progress: action.progress };
    case 'discovered':
      return {
        ...atStep(state, 3),
        busy: null,
        candidates: action.preview.candidates,
        selected: defaultSelection(action.preview.candidates),
        trusted: new Map(),
      };
    case 'reviewed':
      return { ...atStep(state, 4), busy: null, preview: action.preview };
    case 'applied':
      return { ...atStep(state, 5), busy: null, result: action.result };
    case 'select':
      return { ...state, selected: toggled(state.selected, action.name, action.on) };
    case 'trust':
      return trust(state, action.candidate, action.on);
    case 'account':
      return { ...state, account: { ...state.account, ...action.change } };
  }
}

function toggled(set: ReadonlySet<string>, name: string, on: boolean): ReadonlySet<string> {
  const next = new Set(set);
  if (on) next.add(name);
  else next.delete(name);
  return next;
}

/** Trusting a certificate also selects its cluster: that is why the user checked it. */
function trust(state: WizardState, candidate: SetupCandidate, on: boolean): WizardState {
  const trusted = new Map(state.trusted);
  if (on && candidate.ca.sha256) trusted.set(candidate.name, candidate.ca.sha256);
  else trusted.delete(candidate.name);
  return { ...state, trusted, selected: on ? toggled(state.selected, candidate.name, true) : state.selected };
}

/** Everything that can be written without asking: not blocked, no certificate left to confirm. */
export function defaultSelection(candidates: readonly SetupCandidate[]): ReadonlySet<string> {
  return new Set(
    candidates.filter((c) => c.plan !== 'blocked' && c.ca.status !== 'needs-confirmation').map((c) => c.name),
  );
}

/** Cloudflare counts only while signed in; a blank catalog path is no catalog. */
export function sourcesOf(state: SourceChoice, login: LoginStatus | null): SetupSources {
  const catalogPath = state.catalogPath.trim();
  return {
    cloudflare: state.useCloudflare && login?.loggedIn === true,
    catalogPath: state.useCatalog && catalogPath ? catalogPath : null,
  };
}

/** The request for the first discovery: every candidate, nothing trusted yet. */
export function discoveryInput(state: WizardState, login: LoginStatus | null): SetupInput {
  return { sources: sourcesOf(state, login), selected: null, trust: [] };
}

/** The request for the preview and the write: the user's selection and confirmed certificates. */
export function setupInput(state: WizardState, login: LoginStatus | null): SetupInput {
  return {
    sources: sourcesOf(state, login),
    selected: [...state.selected],
    trust: [...state.trusted].map(([cluster, sha256]) => ({ cluster, sha256 })),
  };
}

/** Selected clusters whose certificate still waits for the user's confirmation. */
export function untrustedSelected(state: WizardState): SetupCandidate[] {
  return state.candidates.filter(
    (c) => state.selected.has(c.name) && c.ca.status === 'needs-confirmation' && !state.trusted.has(c.name),
  );
}

export function canDiscover(state: WizardState, login: LoginStatus | null): boolean {
  const sources = sourcesOf(state, login);
  return state.busy === null && (sources.cloudflare || sources.catalogPath !== null);
}

export function canReview(state: WizardState): boolean {
  return state.busy === null && state.selected.size > 0 && untrustedSelected(state).length === 0;
}

export function canApply(state: WizardState): boolean {
  return state.busy === null && Boolean(state.preview?.diff);
}

/** The live line: the latest progress message while something runs, else nothing. */
export function liveLine(state: WizardState): string {
  return state.busy ? (state.progress?.message ?? state.busy) : '';
}
