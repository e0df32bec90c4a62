import { type RefObject, useEffect, useReducer, useRef } from 'react';
import type { KubeztApi, LoginStatus, SetupCandidate } from '../../../../ipc/contract.ts';
import { errorOf, useApi } from '../../api.ts';
import { type Async, loaded, useAsync } from '../../useAsync.ts';
import {
  discoveryInput,
  initialWizardState,
  type SourceChoice,
  type Step,
  setupInput,
  type WizardAction,
  type WizardState,
  wizardReducer,
} from './wizard.ts';

export type WizardApi = Pick<KubeztApi, 'previewSetup' | 'applySetup' | 'login' | 'logout' | 'chooseCatalogFile'>;

export interface WizardDeps {
  api: WizardApi;
  state: WizardState;
  login: LoginStatus | null;
  dispatch: (action: WizardAction) => void;
  setLogin: (status: LoginStatus) => void;
  /** Moves focus to the step's heading, as a page change would, for keyboard and screen reader users. */
  focusHeading: () => void;
}

/**
 * What the wizard's buttons do: each request to main, and the state it leaves behind. Plain
 * functions of the state they were made from (React makes new ones on every render), so the
 * tests drive them without React.
 */
export function createWizardActions(deps: WizardDeps) {
  const { api, state, login, dispatch } = deps;

  const go = (step: Step) => {
    dispatch({ type: 'go', step });
    deps.focusHeading();
  };

  /** One request at a time: the live line names it, its failure is the step's one error sentence. */
  const run = async <T>(label: string, work: () => Promise<T>, done: (value: T) => WizardAction) => {
    dispatch({ type: 'started', label });
    let value: T;
    try {
      value = await work();
    } catch (e) {
      dispatch({ type: 'failed', error: errorOf(e) });
      return;
    }
    dispatch(done(value));
    deps.focusHeading();
  };

  const account = {
    setToken: (token: string) => dispatch({ type: 'account', change: { token } }),
    setAccountId: (accountId: string) => dispatch({ type: 'account', change: { accountId } }),
    edit: (editing: boolean) => dispatch({ type: 'account', change: { editing } }),
    async signIn() {
      // The token is handed to main and dropped here at once; it never comes back.
      const token = state.account.token.trim();
      const accountId = state.account.accountId.trim();
      dispatch({ type: 'account', change: { busy: true, error: null, token: '' } });
      try {
        const status = await api.login(accountId ? { token, accountId } : { token });
        deps.setLogin(status);
        dispatch({ type: 'account', change: { busy: false, editing: false } });
      } catch (e) {
        dispatch({ type: 'account', change: { busy: false, error: errorOf(e) } });
      }
    },
    async signOut() {
      dispatch({ type: 'account', change: { error: null } });
      try {
        deps.setLogin(await api.logout());
      } catch (e) {
        dispatch({ type: 'account', change: { error: errorOf(e) } });
      }
    },
  };

  return {
    go,
    account,
    /** Leaves step 1 with Cloudflare discovery on, or (skipping sign-in) with the catalog file on. */
    continueFromAccount(cloudflare: boolean) {
      dispatch({
        type: 'sources',
        change: cloudflare ? { useCloudflare: true } : { useCloudflare: false, useCatalog: true },
      });
      go(2);
    },
    setSources: (change: Partial<SourceChoice>) => dispatch({ type: 'sources', change }),
    chooseCatalogFile: () =>
      api.chooseCatalogFile().then(
        (r) => {
          if (r.path) dispatch({ type: 'sources', change: { catalogPath: r.path } });
        },
        (e) => dispatch({ type: 'error', error: errorOf(e) }),
      ),
    discover: () =>
      run(
        'Discovering clusters…',
        () => api.previewSetup(discoveryInput(state, login)),
        (preview) => ({ type: 'discovered', preview }),
      ),
    review: () =>
      run(
        'Computing the kubeconfig change…',
        () => api.previewSetup(setupInput(state, login)),
        (preview) => ({ type: 'reviewed', preview }),
      ),
    apply: () =>
      run(
        'Writing kubeconfig…',
        () => api.applySetup(setupInput(state, login)),
        (result) => ({ type: 'applied', result }),
      ),
    select: (name: string, on: boolean) => dispatch({ type: 'select', name, on }),
    trust: (candidate: SetupCandidate, on: boolean) => dispatch({ type: 'trust', candidate, on }),
  };
}

export type WizardActions = ReturnType<typeof createWizardActions>;

export interface SetupWizardModel {
  state: WizardState;
  login: Async<LoginStatus>;
  actions: WizardActions;
  headingRef: RefObject<HTMLHeadingElement | null>;
}

/** The wizard's state and actions; the components only render them (Teleport Connect's useClusterAdd). */
export function useSetupWizard(): SetupWizardModel {
  const api = useApi();
  const [state, dispatch] = useReducer(wizardReducer, undefined, initialWizardState);
  const login = useAsync((a) => a.getLoginStatus());
  // A catalog file already in the settings is where discovery looks by default.
  useAsync(async (a) => {
    const { settings } = await a.getSettings();
    if (settings.catalogPath) {
      dispatch({ type: 'sources', change: { catalogPath: settings.catalogPath, useCatalog: true } });
    }
  });
  useEffect(() => api.onDiscoveryProgress((progress) => dispatch({ type: 'progress', progress })), [api]);
  const headingRef = useRef<HTMLHeadingElement>(null);

  const actions = createWizardActions({
    api,
    state,
    login: loaded(login.state) ?? null,
    dispatch,
    setLogin: login.set,
    focusHeading: () => requestAnimationFrame(() => headingRef.current?.focus()),
  });
  return { state, login: login.state, actions, headingRef };
}
