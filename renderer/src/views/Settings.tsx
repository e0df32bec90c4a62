import { type FormEvent, useState } from 'react';
import {
  BACKGROUND_EXEC_PLUGINS_LABEL,
  type Environment,
  type IpcError,
  type KubeztApi,
  type LoginStatus,
  type SettingsPatchRequest,
  type SettingsValues,
} from '../../../ipc/contract.ts';
import { errorOf, useApi } from '../api.ts';
import { ErrorState, InlineError } from '../components/common.tsx';
import { CheckField, Field, PathInput, TextField } from '../components/form.tsx';
import { type Async, loaded, useAsync } from '../useAsync.ts';
import { BackupsCard } from './SettingsBackups.tsx';

/** The settings as the main process stores them; this component holds the name SettingsView. */
type StoredSettings = Awaited<ReturnType<KubeztApi['getSettings']>>;

const KUBECONFIG_SOURCE: Record<Environment['kubeconfig']['source'], string> = {
  setting: 'the kubeconfig path in these settings',
  env: 'KUBECONFIG in the environment kubezt was started with',
  'login-shell': 'KUBECONFIG from your login shell',
  default: 'the default location (no KUBECONFIG set)',
};

interface Form {
  accountId: string;
  catalogPath: string;
  kubeconfigPath: string;
  contextNameTemplate: string;
  refreshIntervalSec: string;
  warpDisconnect: boolean;
  contextUnreachable: boolean;
  launchAtLogin: boolean;
  backgroundExecPlugins: boolean;
  switchVirtualNetwork: SettingsValues['switchVirtualNetwork'];
}

function formOf(s: SettingsValues): Form {
  return {
    accountId: s.accountId ?? '',
    catalogPath: s.catalogPath ?? '',
    kubeconfigPath: s.kubeconfigPath ?? '',
    contextNameTemplate: s.contextNameTemplate,
    refreshIntervalSec: String(s.refreshIntervalSec),
    warpDisconnect: s.notifications.warpDisconnect,
    contextUnreachable: s.notifications.contextUnreachable,
    launchAtLogin: s.launchAtLogin,
    backgroundExecPlugins: s.backgroundExecPlugins,
    switchVirtualNetwork: s.switchVirtualNetwork,
  };
}

type PathKey = 'catalogPath' | 'kubeconfigPath';
const PATH_LABEL: Record<PathKey, string> = { catalogPath: 'Team catalog file', kubeconfigPath: 'Kubeconfig file' };

/**
 * Only what changed, with empty text meaning "clear this setting". File paths are not in it:
 * main sets them from its own dialogs (see usePathChoice).
 */
function patchOf(before: Form, after: Form): SettingsPatchRequest {
  const patch: SettingsPatchRequest = {};
  if (before.accountId !== after.accountId) {
    patch.accountId = after.accountId.trim() === '' ? null : after.accountId.trim();
  }
  if (before.contextNameTemplate !== after.contextNameTemplate) {
    patch.contextNameTemplate = after.contextNameTemplate.trim() === '' ? null : after.contextNameTemplate.trim();
  }
  if (before.refreshIntervalSec !== after.refreshIntervalSec) {
    patch.refreshIntervalSec = Number(after.refreshIntervalSec);
  }
  const notifications: NonNullable<SettingsPatchRequest['notifications']> = {};
  if (before.warpDisconnect !== after.warpDisconnect) notifications.warpDisconnect = after.warpDisconnect;
  if (before.contextUnreachable !== after.contextUnreachable) {
    notifications.contextUnreachable = after.contextUnreachable;
  }
  if (Object.keys(notifications).length > 0) patch.notifications = notifications;
  if (before.launchAtLogin !== after.launchAtLogin) patch.launchAtLogin = after.launchAtLogin;
  if (before.backgroundExecPlugins !== after.backgroundExecPlugins) {
    patch.backgroundExecPlugins = after.backgroundExecPlugins;
  }
  if (before.switchVirtualNetwork !== after.switchVirtualNetwork) {
    patch.switchVirtualNetwork = after.switchVirtualNetwork;
  }
  return patch;
}

export function SettingsView() {
  const api = useApi();
  const env = useAsync((a) => a.getEnvironment());
  const login = useAsync((a) => a.getLoginStatus());
  const settings = useAsync((a) => a.getSettings());
  // One error line, under the form: a failed save or a failed sign-out.
  const [error, setError] = useState<IpcError | null>(null);

  return (
    <section className="view" aria-labelledby="settings-title">
      <div className="view-header">
        <h1 id="settings-title">Settings</h1>
      </div>
      <EnvironmentCard env={env.state} />
      <CloudflareCard
        login={loaded(login.state) ?? null}
        onSignOut={() => void api.logout().then(login.set, (e) => setError(errorOf(e)))}
      />
      <section className="card" aria-labelledby="prefs-title">
        <h2 id="prefs-title">Preferences</h2>
        {settings.state.status === 'error' && (
          <ErrorState title="The settings could not be read" error={settings.state.error} />
        )}
        {settings.state.status === 'loading' && <p className="muted">Loading…</p>}
        {settings.state.status === 'ready' && (
          <PreferencesForm
            stored={settings.state.value}
            error={error}
            onError={setError}
            // What kubectl reads may follow a changed kubeconfig path.
            onSaved={() => void api.getEnvironment().then(env.set, () => {})}
          />
        )}
      </section>

      <BackupsCard />
    </section>
  );
}

function EnvironmentCard({ env }: { env: Async<Environment> }) {
  return (
    <section className="card" aria-labelledby="env-title">
      <h2 id="env-title">Kubeconfig in use</h2>
      {env.status === 'error' && <ErrorState title="The environment could not be read" error={env.error} />}
      {env.status === 'loading' && <p className="muted">Reading…</p>}
      {env.status === 'ready' && <EnvironmentFacts env={env.value} />}
    </section>
  );
}

function EnvironmentFacts({ env }: { env: Environment }) {
  return (
    <dl className="facts">
      <dt>kubectl reads</dt>
      <dd>
        {env.kubeconfig.paths.map((p) => (
          <code key={p} className="block">
            {p}
          </code>
        ))}
        <span className="muted small block">from {KUBECONFIG_SOURCE[env.kubeconfig.source]}</span>
      </dd>
      <dt>New contexts go to</dt>
      <dd>
        <code>{env.kubeconfig.writeTarget}</code>
      </dd>
      <dt>Login shell</dt>
      <dd>
        {env.loginShell.status === 'ok' ? (
          <>
            {env.loginShell.shell}: PATH {env.loginShell.pathFromShell ? 'taken from it' : 'unchanged'}, KUBECONFIG{' '}
            {env.loginShell.kubeconfigFromShell ? 'taken from it' : 'not set there'}
          </>
        ) : (
          <span>{env.loginShell.detail ?? env.loginShell.status}</span>
        )}
      </dd>
      <dt>kubectl</dt>
      <dd>
        {env.kubectl.path ? (
          <>
            <code>{env.kubectl.path}</code> {env.kubectl.version ?? ''}
          </>
        ) : (
          <span className="warning-text">not found on PATH</span>
        )}
      </dd>
      <dt>Settings file</dt>
      <dd>{env.settingsFile ? <code>{env.settingsFile}</code> : '—'}</dd>
      <dt>kubezt</dt>
      <dd>
        {env.appVersion} on {env.platform}
      </dd>
    </dl>
  );
}

function loginText(login: LoginStatus | null): string {
  if (login === null) return 'Checking…';
  if (!login.loggedIn) return 'Not signed in. Use "Set up kubeconfig" to sign in with an API token.';
  const from = login.source === 'env' ? 'CLOUDFLARE_API_TOKEN' : 'your keychain';
  // A token without an account finds no clusters: say what is missing instead of "Signed in".
  if (!login.accountId) {
    return `An API token is stored (from ${from}), but no Cloudflare account is chosen: pick one in "Set up kubeconfig".`;
  }
  return `Signed in to Cloudflare account ${login.accountId} (token from ${from}).`;
}

function CloudflareCard({ login, onSignOut }: { login: LoginStatus | null; onSignOut: () => void }) {
  return (
    <section className="card" aria-labelledby="cf-title">
      <h2 id="cf-title">Cloudflare</h2>
      <p>{loginText(login)}</p>
      {login?.loggedIn && login.source === 'keychain' && (
        <button type="button" className="button" onClick={onSignOut}>
          Sign out
        </button>
      )}
    </section>
  );
}

function PreferencesForm(props: {
  stored: StoredSettings;
  error: IpcError | null;
  onError: (error: IpcError | null) => void;
  onSaved: () => void;
}) {
  const api = useApi();
  const [saved, setSaved] = useState(() => formOf(props.stored.settings));
  const [form, setForm] = useState(saved);
  const [notice, setNotice] = useState('');
  const set = <K extends keyof Form>(key: K, value: Form[K]) => setForm((f) => ({ ...f, [key]: value }));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    props.onError(null);
    setNotice('');
    const patch = patchOf(saved, form);
    if (Object.keys(patch).length === 0) {
      setNotice('Nothing changed.');
      return;
    }
    try {
      const v = await api.setSettings(patch);
      setSaved(formOf(v.settings));
      setForm(formOf(v.settings));
      setNotice('Settings saved.');
      props.onSaved();
    } catch (err) {
      props.onError(errorOf(err));
    }
  };

  /** A path main stored (chosen in its dialog, or cleared): saved already, so both copies change. */
  const pathStored = (key: PathKey, value: string) => {
    setSaved((f) => ({ ...f, [key]: value }));
    set(key, value);
    setNotice(value ? `${PATH_LABEL[key]} set.` : `${PATH_LABEL[key]}: back to the default.`);
    props.onSaved();
  };
  const paths = {
    choose(key: PathKey) {
      props.onError(null);
      const chosen = key === 'catalogPath' ? api.chooseCatalogFile() : api.chooseKubeconfigFile();
      chosen.then(
        (r) => r.path && pathStored(key, r.path),
        (e) => props.onError(errorOf(e)),
      );
    },
    clear(key: PathKey) {
      props.onError(null);
      api.setSettings({ [key]: null }).then(
        () => pathStored(key, ''),
        (e) => props.onError(errorOf(e)),
      );
    },
  };

  return (
    <form onSubmit={(e) => void submit(e)} className="settings-form">
      <PreferenceFields form={form} set={set} paths={paths} />
      <InlineError error={props.error} />
      <div className="wizard-actions">
        <p className="live-line small" role="status" aria-live="polite">
          {notice}
        </p>
        <button type="submit" className="button button-primary">
          Save settings
        </button>
      </div>
    </form>
  );
}

function PreferenceFields(props: {
  form: Form;
  set: <K extends keyof Form>(key: K, value: Form[K]) => void;
  paths: { choose(key: PathKey): void; clear(key: PathKey): void };
}) {
  const { form, set } = props;
  return (
    <>
      <TextField
        id="s-account"
        label="Cloudflare account id"
        value={form.accountId}
        onChange={(v) => set('accountId', v)}
      />
      <Field id="s-catalog" label="Team catalog file">
        <div className="field-row">
          <PathInput
            id="s-catalog"
            value={form.catalogPath}
            placeholder="none"
            describedBy="s-paths-help"
            onChoose={() => props.paths.choose('catalogPath')}
            chooseLabel="Choose catalog…"
            onClear={() => props.paths.clear('catalogPath')}
            clearAriaLabel="Clear the team catalog file"
          />
        </div>
      </Field>
      <Field
        id="s-kubeconfig"
        label="Kubeconfig file"
        help={
          <>
            Empty: kubezt writes where kubectl reads from.
            <span id="s-paths-help" className="block">
              Files are picked in a file dialog and saved at once.
            </span>
          </>
        }
      >
        <div className="field-row">
          <PathInput
            id="s-kubeconfig"
            value={form.kubeconfigPath}
            placeholder="where kubectl looks (KUBECONFIG, else ~/.kube/config)"
            describedBy="s-kubeconfig-help s-paths-help"
            onChoose={() => props.paths.choose('kubeconfigPath')}
            chooseLabel="Choose kubeconfig…"
            onClear={() => props.paths.clear('kubeconfigPath')}
            clearLabel="Use default"
          />
        </div>
      </Field>
      <TextField
        id="s-template"
        label="Context name"
        help={
          <>
            Must contain {'{name}'}, e.g. zt-{'{name}'}.
          </>
        }
        value={form.contextNameTemplate}
        onChange={(v) => set('contextNameTemplate', v)}
      />
      <TextField
        id="s-interval"
        label="Check every (seconds)"
        className="input input-narrow"
        type="number"
        min={15}
        max={86400}
        step={1}
        value={form.refreshIntervalSec}
        onChange={(v) => set('refreshIntervalSec', v)}
      />
      <fieldset>
        <legend>Notifications</legend>
        <CheckField checked={form.warpDisconnect} onChange={(v) => set('warpDisconnect', v)}>
          When WARP disconnects
        </CheckField>
        <CheckField checked={form.contextUnreachable} onChange={(v) => set('contextUnreachable', v)}>
          When the current context becomes unreachable
        </CheckField>
      </fieldset>
      <CheckField checked={form.launchAtLogin} onChange={(v) => set('launchAtLogin', v)}>
        Start kubezt when I log in
      </CheckField>
      <div className="field">
        <CheckField
          checked={form.backgroundExecPlugins}
          onChange={(v) => set('backgroundExecPlugins', v)}
          describedBy="s-exec-help"
        >
          {BACKGROUND_EXEC_PLUGINS_LABEL}
        </CheckField>
        <p id="s-exec-help" className="muted small">
          Off: the checks kubezt runs on its own skip contexts whose credentials come from a plugin (which may open a
          browser to sign in). "Check now" and diagnostics always run them.
        </p>
      </div>
      <div className="field">
        <label htmlFor="s-vnet">When a cluster is in another WARP virtual network</label>
        <select
          id="s-vnet"
          className="input"
          aria-describedby="s-vnet-help"
          value={form.switchVirtualNetwork}
          onChange={(e) => set('switchVirtualNetwork', e.target.value as Form['switchVirtualNetwork'])}
        >
          <option value="auto">Switch WARP to it</option>
          <option value="ask">Ask first (the tray then leaves WARP alone)</option>
          <option value="never">Leave WARP alone and warn</option>
        </select>
        <p id="s-vnet-help" className="muted small">
          Choosing a cluster in the tray or with "kubezt use" switches the whole device's virtual network.
        </p>
      </div>
    </>
  );
}
