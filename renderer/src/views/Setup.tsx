import { type FormEvent, type ReactNode, useEffect, useRef, useState } from 'react';
import type {
  DiscoveryProgress,
  IpcError,
  LoginStatus,
  SetupCandidate,
  SetupInput,
  SetupPreview,
  SetupResult,
} from '../../../ipc/contract.ts';
import { type Navigate, useApi } from '../App.tsx';
import { errorOf } from '../api.ts';
import { InlineError } from '../components/common.tsx';
import { DiffView } from '../components/DiffView.tsx';

type Step = 1 | 2 | 3 | 4 | 5;
const STEPS: { step: Step; label: string }[] = [
  { step: 1, label: 'Cloudflare account' },
  { step: 2, label: 'Sources' },
  { step: 3, label: 'Clusters' },
  { step: 4, label: 'Review changes' },
  { step: 5, label: 'Done' },
];

export function SetupView({ navigate }: { navigate: Navigate }) {
  const api = useApi();
  const [step, setStep] = useState<Step>(1);
  const [login, setLogin] = useState<LoginStatus | null>(null);
  const [useCloudflare, setUseCloudflare] = useState(true);
  const [useCatalog, setUseCatalog] = useState(false);
  const [catalogPath, setCatalogPath] = useState('');
  const [candidates, setCandidates] = useState<SetupCandidate[]>([]);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [trusted, setTrusted] = useState<ReadonlyMap<string, string>>(new Map());
  const [preview, setPreview] = useState<SetupPreview | null>(null);
  const [result, setResult] = useState<SetupResult | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<IpcError | null>(null);
  const [progress, setProgress] = useState<DiscoveryProgress | null>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    let alive = true;
    api.getLoginStatus().then(
      (s) => alive && setLogin(s),
      (e) => alive && setError(errorOf(e)),
    );
    api.getSettings().then(
      (v) => {
        if (alive && v.settings.catalogPath) {
          setCatalogPath(v.settings.catalogPath);
          setUseCatalog(true);
        }
      },
      () => {},
    );
    const off = api.onDiscoveryProgress(setProgress);
    return () => {
      alive = false;
      off();
    };
  }, [api]);

  const go = (next: Step) => {
    setError(null);
    setStep(next);
    requestAnimationFrame(() => headingRef.current?.focus());
  };

  const sources = (): SetupInput['sources'] => ({
    cloudflare: useCloudflare && login?.loggedIn === true,
    catalogPath: useCatalog && catalogPath.trim() ? catalogPath.trim() : null,
  });

  const run = async <T,>(label: string, work: () => Promise<T>): Promise<T | undefined> => {
    setBusy(label);
    setError(null);
    setProgress(null);
    try {
      return await work();
    } catch (e) {
      setError(errorOf(e));
      return undefined;
    } finally {
      setBusy(null);
    }
  };

  const discover = async () => {
    const p = await run('Discovering clusters…', () =>
      api.previewSetup({ sources: sources(), selected: null, trust: [] }),
    );
    if (!p) return;
    setCandidates(p.candidates);
    setSelected(
      new Set(
        p.candidates.filter((c) => c.plan !== 'blocked' && c.ca.status !== 'needs-confirmation').map((c) => c.name),
      ),
    );
    setTrusted(new Map());
    go(3);
  };

  const input = (): SetupInput => ({
    sources: sources(),
    selected: [...selected],
    trust: [...trusted].map(([cluster, sha256]) => ({ cluster, sha256 })),
  });

  const review = async () => {
    const p = await run('Computing the kubeconfig change…', () => api.previewSetup(input()));
    if (!p) return;
    setPreview(p);
    go(4);
  };

  const apply = async () => {
    const r = await run('Writing kubeconfig…', () => api.applySetup(input()));
    if (!r) return;
    setResult(r);
    go(5);
  };

  const untrustedSelected = candidates.filter(
    (c) => selected.has(c.name) && c.ca.status === 'needs-confirmation' && !trusted.has(c.name),
  );

  return (
    <section className="view" aria-labelledby="setup-title">
      <div className="view-header">
        <h1 id="setup-title">Set up kubeconfig</h1>
      </div>
      <ol className="steps" aria-label="Setup steps">
        {STEPS.map((s) => (
          <li
            key={s.step}
            className={s.step < step ? 'step-done' : s.step === step ? 'step-current' : undefined}
            aria-current={s.step === step ? 'step' : undefined}
          >
            <span className="step-number" aria-hidden="true">
              {s.step < step ? '✓' : s.step}
            </span>
            {s.label}
            {s.step < step && <span className="sr-only"> (done)</span>}
          </li>
        ))}
      </ol>

      <div className="card wizard">
        <h2 ref={headingRef} tabIndex={-1}>
          {STEPS[step - 1]?.label}
        </h2>
        {step === 1 && (
          <AccountStep
            login={login}
            onLogin={setLogin}
            onContinue={(cloudflare) => {
              setUseCloudflare(cloudflare);
              if (!cloudflare) setUseCatalog(true);
              go(2);
            }}
          />
        )}

        {step === 2 && (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              void discover();
            }}
          >
            <fieldset>
              <legend>Where should kubezt look for clusters?</legend>
              <label className="check">
                <input
                  type="checkbox"
                  checked={useCloudflare && login?.loggedIn === true}
                  disabled={!login?.loggedIn}
                  onChange={(e) => setUseCloudflare(e.target.checked)}
                />
                <span>
                  Cloudflare account discovery
                  <span className="muted small block">
                    {login?.loggedIn
                      ? `Tunnel routes of account ${login.accountId ?? '(default)'} whose comment mentions Kubernetes.`
                      : 'Sign in first (step 1) to discover from Cloudflare.'}
                  </span>
                </span>
              </label>
              <label className="check">
                <input type="checkbox" checked={useCatalog} onChange={(e) => setUseCatalog(e.target.checked)} />
                <span>
                  Team catalog file
                  <span className="muted small block">A YAML file your team keeps, e.g. in a repository.</span>
                </span>
              </label>
              {useCatalog && (
                <>
                  <div className="field-row">
                    <label htmlFor="catalog-path">Catalog file</label>
                    <input
                      id="catalog-path"
                      type="text"
                      className="input mono"
                      value={catalogPath}
                      readOnly
                      placeholder="choose a file"
                      aria-describedby="catalog-path-help"
                    />
                    <button
                      type="button"
                      className="button"
                      onClick={() =>
                        void api.chooseCatalogFile().then(
                          (r) => r.path && setCatalogPath(r.path),
                          (e) => setError(errorOf(e)),
                        )
                      }
                    >
                      Choose…
                    </button>
                  </div>
                  <p id="catalog-path-help" className="muted small">
                    Picked in a file dialog; the dashboard then lists its clusters too.
                  </p>
                </>
              )}
            </fieldset>
            <InlineError error={error} />
            <div className="wizard-actions">
              <button type="button" className="button" onClick={() => go(1)}>
                Back
              </button>
              <button
                type="submit"
                className="button button-primary"
                disabled={busy !== null || (!sources().cloudflare && sources().catalogPath === null)}
              >
                Discover clusters
              </button>
            </div>
          </form>
        )}

        {step === 3 && (
          <CandidatesStep
            candidates={candidates}
            selected={selected}
            trusted={trusted}
            onSelect={(name, on) =>
              setSelected((prev) => {
                const next = new Set(prev);
                if (on) next.add(name);
                else next.delete(name);
                return next;
              })
            }
            onTrust={(c, on) =>
              setTrusted((prev) => {
                const next = new Map(prev);
                if (on && c.ca.sha256) next.set(c.name, c.ca.sha256);
                else next.delete(c.name);
                return next;
              })
            }
          >
            <InlineError error={error} />
            {untrustedSelected.length > 0 && (
              <p className="warning small" role="status">
                Confirm the certificate of {untrustedSelected.map((c) => c.name).join(', ')} or unselect it.
              </p>
            )}
            <div className="wizard-actions">
              <button type="button" className="button" onClick={() => go(2)}>
                Back
              </button>
              <button
                type="button"
                className="button button-primary"
                onClick={() => void review()}
                disabled={busy !== null || selected.size === 0 || untrustedSelected.length > 0}
              >
                Review changes
              </button>
            </div>
          </CandidatesStep>
        )}

        {step === 4 && preview && (
          <div>
            <p>
              {preview.diff
                ? `kubezt will change ${preview.files.join(', ')} exactly like this (a .bak of the current file is kept):`
                : 'Your kubeconfig already has these contexts: nothing to change.'}
            </p>
            {preview.warnings.map((w) => (
              <p key={w} className="warning small">
                {w}
              </p>
            ))}
            <ul className="changes">
              {preview.changes
                .filter((c) => c.action !== 'unchanged')
                .map((c) => (
                  <li key={`${c.kind}:${c.name}:${c.file}`}>{c.message}</li>
                ))}
            </ul>
            {preview.diff && <DiffView diff={preview.diff} label="Kubeconfig diff" />}
            <InlineError error={error} />
            <div className="wizard-actions">
              <button type="button" className="button" onClick={() => go(3)}>
                Back
              </button>
              <button
                type="button"
                className="button button-primary"
                onClick={() => void apply()}
                disabled={busy !== null || !preview.diff}
              >
                Apply
              </button>
            </div>
          </div>
        )}

        {step === 5 && result && (
          <div>
            <ul className="changes changes-done">
              {result.changes
                .filter((c) => c.action !== 'unchanged')
                .map((c) => (
                  <li key={`${c.kind}:${c.name}:${c.file}`}>{c.message}</li>
                ))}
            </ul>
            <p className="muted small">
              Written: {result.files.join(', ')}
              {result.backups.length > 0 ? ` · previous version kept as ${result.backups.join(', ')}` : ''}
            </p>
            <div className="wizard-actions">
              <button type="button" className="button" onClick={() => go(2)}>
                Set up more
              </button>
              <button type="button" className="button button-primary" onClick={() => navigate({ view: 'clusters' })}>
                Open dashboard
              </button>
            </div>
          </div>
        )}

        <p className="live-line small" role="status" aria-live="polite">
          {busy ? (progress?.message ?? busy) : ''}
        </p>
      </div>
    </section>
  );
}

function AccountStep(props: {
  login: LoginStatus | null;
  onLogin: (s: LoginStatus) => void;
  onContinue: (cloudflare: boolean) => void;
}) {
  const api = useApi();
  const { login } = props;
  const [editing, setEditing] = useState(false);
  const [token, setToken] = useState('');
  const [accountId, setAccountId] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<IpcError | null>(null);

  if (!login) return <p className="muted">Checking for an existing login…</p>;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    // The token is handed to main and dropped here at once; it never comes back.
    const value = token.trim();
    setToken('');
    try {
      const status = await api.login(
        accountId.trim() ? { token: value, accountId: accountId.trim() } : { token: value },
      );
      props.onLogin(status);
      setEditing(false);
    } catch (err) {
      setError(errorOf(err));
    } finally {
      setBusy(false);
    }
  };

  const logout = async () => {
    setError(null);
    try {
      props.onLogin(await api.logout());
    } catch (err) {
      setError(errorOf(err));
    }
  };

  if (login.loggedIn && !editing) {
    return (
      <div>
        <p>
          Signed in to Cloudflare with the API token from{' '}
          {login.source === 'env' ? <code>CLOUDFLARE_API_TOKEN</code> : 'your keychain'}
          {login.accountId ? (
            <>
              , account <code>{login.accountId}</code>
            </>
          ) : null}
          .
        </p>
        <InlineError error={error} />
        <div className="wizard-actions">
          {login.source === 'keychain' && (
            <button type="button" className="button" onClick={() => void logout()}>
              Sign out
            </button>
          )}
          <button type="button" className="button" onClick={() => setEditing(true)}>
            Use another token
          </button>
          <button type="button" className="button button-primary" onClick={() => props.onContinue(true)}>
            Continue
          </button>
        </div>
      </div>
    );
  }

  return (
    <form onSubmit={(e) => void submit(e)}>
      <p>
        kubezt reads tunnel routes with a Cloudflare API token (permissions: Account · Cloudflare Tunnel · Read, and
        Zero Trust · Read). It is kept in your OS keychain and never shown again.
      </p>
      <div className="field">
        <label htmlFor="cf-token">API token</label>
        <input
          id="cf-token"
          type="password"
          className="input mono"
          autoComplete="off"
          spellCheck={false}
          value={token}
          onChange={(e) => setToken(e.target.value)}
          required
        />
      </div>
      <div className="field">
        <label htmlFor="cf-account">
          Account id <span className="muted small">(optional when the token sees one account)</span>
        </label>
        {login.accounts && login.accounts.length > 1 ? (
          <select id="cf-account" className="input" value={accountId} onChange={(e) => setAccountId(e.target.value)}>
            <option value="">Choose an account</option>
            {login.accounts.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name} ({a.id})
              </option>
            ))}
          </select>
        ) : (
          <input
            id="cf-account"
            type="text"
            className="input mono"
            value={accountId}
            onChange={(e) => setAccountId(e.target.value)}
            spellCheck={false}
          />
        )}
      </div>
      <InlineError error={error} />
      <div className="wizard-actions">
        <button type="button" className="button" onClick={() => props.onContinue(false)}>
          Skip: use a catalog file only
        </button>
        {login.loggedIn && (
          <button type="button" className="button" onClick={() => setEditing(false)}>
            Cancel
          </button>
        )}
        <button type="submit" className="button button-primary" disabled={busy || token.trim() === ''}>
          {busy ? 'Checking the token…' : 'Sign in'}
        </button>
      </div>
    </form>
  );
}

function CandidatesStep(props: {
  candidates: SetupCandidate[];
  selected: ReadonlySet<string>;
  trusted: ReadonlyMap<string, string>;
  onSelect: (name: string, on: boolean) => void;
  onTrust: (c: SetupCandidate, on: boolean) => void;
  children: ReactNode;
}) {
  if (props.candidates.length === 0) {
    return (
      <div>
        <p>
          No Kubernetes API servers were found. Cloudflare discovery looks for single-host tunnel routes (/32 or /128)
          whose comment mentions "kubernetes" or "k8s"; a catalog file lists clusters explicitly.
        </p>
        {props.children}
      </div>
    );
  }
  return (
    <fieldset>
      <legend>Choose the clusters to add to your kubeconfig</legend>
      <ul className="candidates">
        {props.candidates.map((c) => {
          const blocked = c.plan === 'blocked';
          const id = `cand-${c.name}`;
          return (
            <li key={c.name} className={blocked ? 'candidate candidate-blocked' : 'candidate'}>
              <label className="check" htmlFor={id}>
                <input
                  id={id}
                  type="checkbox"
                  checked={props.selected.has(c.name)}
                  disabled={blocked}
                  onChange={(e) => props.onSelect(c.name, e.target.checked)}
                />
                <span>
                  <strong>{c.name}</strong> <span className="muted">→ context</span> <code>{c.contextName}</code>
                  <span className="muted small block mono">{c.server ?? c.ips.join(', ')}</span>
                  <span className="muted small block">
                    {c.plan === 'add' && 'New'}
                    {c.plan === 'update' && 'Already there; will be updated'}
                    {c.plan === 'unchanged' && 'Already there and up to date'}
                    {c.plan === 'blocked' && 'Cannot be added'}
                    {' · '}
                    {c.sources.map((s) => (s === 'cloudflare' ? 'Cloudflare' : 'catalog')).join(' + ')}
                  </span>
                </span>
              </label>
              {c.ca.status === 'needs-confirmation' && (
                <div className="tofu">
                  <p className="small">
                    No certificate authority is known for this server. Compare its certificate fingerprint with the one
                    your cluster admin gives you:
                  </p>
                  <dl className="fingerprint small">
                    <dt>SHA-256</dt>
                    <dd className="mono">{c.ca.sha256}</dd>
                    {c.ca.subject && (
                      <>
                        <dt>Subject</dt>
                        <dd>{c.ca.subject}</dd>
                      </>
                    )}
                    {c.ca.issuer && (
                      <>
                        <dt>Issuer</dt>
                        <dd>{c.ca.issuer}</dd>
                      </>
                    )}
                  </dl>
                  <label className="check">
                    <input
                      type="checkbox"
                      checked={props.trusted.has(c.name)}
                      onChange={(e) => {
                        props.onTrust(c, e.target.checked);
                        if (e.target.checked) props.onSelect(c.name, true);
                      }}
                    />
                    <span>I checked this fingerprint; trust this certificate for {c.name}</span>
                  </label>
                </div>
              )}
              {(c.ca.status === 'refused' || c.ca.status === 'unavailable') && c.ca.reason && (
                <p className="inline-error small">{c.ca.reason}</p>
              )}
            </li>
          );
        })}
      </ul>
      {props.children}
    </fieldset>
  );
}
