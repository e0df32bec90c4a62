import { type FormEvent, useEffect, useState } from 'react';
import {
  BACKGROUND_EXEC_PLUGINS_LABEL,
  type Environment,
  type IpcError,
  type LoginStatus,
  type SettingsPatchRequest,
  type SettingsValues,
} from '../../../ipc/contract.ts';
import { useApi } from '../App.tsx';
import { errorOf } from '../api.ts';
import { ErrorState, InlineError } from '../components/common.tsx';

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
  };
}

/** Only what changed, with empty text meaning "clear this setting". */
function patchOf(before: Form, after: Form): SettingsPatchRequest {
  const patch: SettingsPatchRequest = {};
  const text = (k: 'accountId' | 'catalogPath' | 'kubeconfigPath') => {
    if (before[k] !== after[k]) patch[k] = after[k].trim() === '' ? null : after[k].trim();
  };
  text('accountId');
  text('catalogPath');
  text('kubeconfigPath');
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
  return patch;
}

export function SettingsView() {
  const api = useApi();
  const [env, setEnv] = useState<Environment | null>(null);
  const [envError, setEnvError] = useState<IpcError | null>(null);
  const [saved, setSaved] = useState<Form | null>(null);
  const [file, setFile] = useState<string | null>(null);
  const [form, setForm] = useState<Form | null>(null);
  const [loadError, setLoadError] = useState<IpcError | null>(null);
  const [saveError, setSaveError] = useState<IpcError | null>(null);
  const [notice, setNotice] = useState('');
  const [login, setLogin] = useState<LoginStatus | null>(null);

  useEffect(() => {
    let alive = true;
    api.getEnvironment().then(
      (e) => alive && setEnv(e),
      (e) => alive && setEnvError(errorOf(e)),
    );
    api.getSettings().then(
      (v) => {
        if (!alive) return;
        setSaved(formOf(v.settings));
        setForm(formOf(v.settings));
        setFile(v.file);
      },
      (e) => alive && setLoadError(errorOf(e)),
    );
    api.getLoginStatus().then(
      (s) => alive && setLogin(s),
      () => {},
    );
    return () => {
      alive = false;
    };
  }, [api]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!form || !saved) return;
    setSaveError(null);
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
      api.getEnvironment().then(setEnv, () => {});
    } catch (err) {
      setSaveError(errorOf(err));
    }
  };

  const set = <K extends keyof Form>(key: K, value: Form[K]) => setForm((f) => (f ? { ...f, [key]: value } : f));

  return (
    <section className="view" aria-labelledby="settings-title">
      <div className="view-header">
        <h1 id="settings-title">Settings</h1>
      </div>

      <section className="card" aria-labelledby="env-title">
        <h2 id="env-title">Kubeconfig in use</h2>
        {envError && <ErrorState title="The environment could not be read" error={envError} />}
        {!env && !envError && <p className="muted">Reading…</p>}
        {env && (
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
                  {env.loginShell.shell}: PATH {env.loginShell.pathFromShell ? 'taken from it' : 'unchanged'},
                  KUBECONFIG {env.loginShell.kubeconfigFromShell ? 'taken from it' : 'not set there'}
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
        )}
      </section>

      <section className="card" aria-labelledby="cf-title">
        <h2 id="cf-title">Cloudflare</h2>
        <p>
          {login === null
            ? 'Checking…'
            : login.loggedIn
              ? `Signed in (token from ${login.source === 'env' ? 'CLOUDFLARE_API_TOKEN' : 'your keychain'}).`
              : 'Not signed in. Use "Set up kubeconfig" to sign in with an API token.'}
        </p>
        {login?.loggedIn && login.source === 'keychain' && (
          <button
            type="button"
            className="button"
            onClick={() =>
              void api.logout().then(setLogin, (e) => {
                setSaveError(errorOf(e));
              })
            }
          >
            Sign out
          </button>
        )}
      </section>

      <section className="card" aria-labelledby="prefs-title">
        <h2 id="prefs-title">Preferences</h2>
        {loadError && <ErrorState title="The settings could not be read" error={loadError} />}
        {!form && !loadError && <p className="muted">Loading…</p>}
        {form && (
          <form onSubmit={(e) => void submit(e)} className="settings-form">
            <div className="field">
              <label htmlFor="s-account">Cloudflare account id</label>
              <input
                id="s-account"
                className="input mono"
                value={form.accountId}
                onChange={(e) => set('accountId', e.target.value)}
                spellCheck={false}
              />
            </div>
            <div className="field">
              <label htmlFor="s-catalog">Team catalog file</label>
              <div className="field-row">
                <input
                  id="s-catalog"
                  className="input mono"
                  value={form.catalogPath}
                  onChange={(e) => set('catalogPath', e.target.value)}
                  spellCheck={false}
                />
                <button
                  type="button"
                  className="button"
                  onClick={() =>
                    void api.chooseCatalogFile().then(
                      (r) => r.path && set('catalogPath', r.path),
                      (e) => setSaveError(errorOf(e)),
                    )
                  }
                >
                  Choose…
                </button>
              </div>
            </div>
            <div className="field">
              <label htmlFor="s-kubeconfig">Kubeconfig file</label>
              <input
                id="s-kubeconfig"
                className="input mono"
                value={form.kubeconfigPath}
                onChange={(e) => set('kubeconfigPath', e.target.value)}
                placeholder="empty: where kubectl looks (KUBECONFIG, else ~/.kube/config)"
                spellCheck={false}
                aria-describedby="s-kubeconfig-help"
              />
              <p id="s-kubeconfig-help" className="muted small">
                Leave empty to write where kubectl reads from.
              </p>
            </div>
            <div className="field">
              <label htmlFor="s-template">Context name</label>
              <input
                id="s-template"
                className="input mono"
                value={form.contextNameTemplate}
                onChange={(e) => set('contextNameTemplate', e.target.value)}
                aria-describedby="s-template-help"
                spellCheck={false}
              />
              <p id="s-template-help" className="muted small">
                Must contain {'{name}'}, e.g. zt-{'{name}'}.
              </p>
            </div>
            <div className="field">
              <label htmlFor="s-interval">Check every (seconds)</label>
              <input
                id="s-interval"
                className="input input-narrow"
                type="number"
                min={15}
                max={86400}
                step={1}
                value={form.refreshIntervalSec}
                onChange={(e) => set('refreshIntervalSec', e.target.value)}
              />
            </div>
            <fieldset>
              <legend>Notifications</legend>
              <label className="check">
                <input
                  type="checkbox"
                  checked={form.warpDisconnect}
                  onChange={(e) => set('warpDisconnect', e.target.checked)}
                />
                <span>When WARP disconnects</span>
              </label>
              <label className="check">
                <input
                  type="checkbox"
                  checked={form.contextUnreachable}
                  onChange={(e) => set('contextUnreachable', e.target.checked)}
                />
                <span>When the current context becomes unreachable</span>
              </label>
            </fieldset>
            <label className="check">
              <input
                type="checkbox"
                checked={form.launchAtLogin}
                onChange={(e) => set('launchAtLogin', e.target.checked)}
              />
              <span>Start kubezt when I log in</span>
            </label>
            <div className="field">
              <label className="check">
                <input
                  type="checkbox"
                  checked={form.backgroundExecPlugins}
                  onChange={(e) => set('backgroundExecPlugins', e.target.checked)}
                  aria-describedby="s-exec-help"
                />
                <span>{BACKGROUND_EXEC_PLUGINS_LABEL}</span>
              </label>
              <p id="s-exec-help" className="muted small">
                Off: the checks kubezt runs on its own skip contexts whose credentials come from a plugin (which may
                open a browser to sign in). "Check now" and diagnostics always run them.
              </p>
            </div>
            <InlineError error={saveError} />
            <div className="wizard-actions">
              <p className="live-line small" role="status" aria-live="polite">
                {notice}
              </p>
              <button type="submit" className="button button-primary">
                Save settings
              </button>
            </div>
            {file && <p className="muted small">Stored in {file}</p>}
          </form>
        )}
      </section>
    </section>
  );
}
