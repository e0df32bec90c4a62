import { useCallback, useEffect, useRef, useState } from 'react';
import type { DeepLinkEvent, KubeztApi, ViewName, WarpStateView } from '../../ipc/contract.ts';
import { ApiContext, errorOf, useApi } from './api.ts';
import { DeepLinkBanner } from './components/DeepLinkBanner.tsx';
import { WarpBanner } from './components/WarpBanner.tsx';
import { WarpPill } from './components/WarpPill.tsx';
import { ClustersView } from './views/Clusters.tsx';
import { DiagnosticsView } from './views/Diagnostics.tsx';
import { SettingsView } from './views/Settings.tsx';
import { SetupView } from './views/Setup.tsx';

export interface Route {
  view: ViewName;
  /** Diagnostics for one cluster: #diagnostics/prod-us. */
  cluster?: string;
}

const VIEWS: { view: ViewName; label: string }[] = [
  { view: 'clusters', label: 'Clusters' },
  { view: 'setup', label: 'Set up kubeconfig' },
  { view: 'diagnostics', label: 'Diagnostics' },
  { view: 'settings', label: 'Settings' },
];

export function parseRoute(hash: string): Route {
  const [view = '', cluster] = hash.replace(/^#\/?/, '').split('/');
  const known = VIEWS.find((v) => v.view === view);
  if (!known) return { view: 'clusters' };
  return cluster && /^[a-z0-9-]+$/.test(cluster) ? { view: known.view, cluster } : { view: known.view };
}

export function routeHash(route: Route): string {
  return `#${route.view}${route.cluster ? `/${route.cluster}` : ''}`;
}

export type Navigate = (route: Route) => void;

export function App({ api }: { api: KubeztApi | undefined }) {
  if (!api) {
    return (
      <main className="fatal" role="alert">
        <h1>kubezt cannot reach its main process</h1>
        <p>This page only works inside the kubezt app. Start kubezt from your applications menu or with "npm start".</p>
      </main>
    );
  }
  return (
    <ApiContext.Provider value={api}>
      <Shell />
    </ApiContext.Provider>
  );
}

function Shell() {
  const api = useApi();
  const [route, setRoute] = useState<Route>(() => parseRoute(window.location.hash));
  const [warp, setWarp] = useState<WarpStateView | null>(null);
  const mainRef = useRef<HTMLElement>(null);
  const link = useDeepLink();

  const navigate = useCallback<Navigate>((next) => {
    const hash = routeHash(next);
    if (window.location.hash !== hash) window.history.pushState(null, '', hash);
    setRoute(next);
    // Move focus to the new view's content, as a page change would, for keyboard and screen reader users.
    requestAnimationFrame(() => mainRef.current?.focus());
  }, []);

  useEffect(() => {
    const onHash = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', onHash);
    window.addEventListener('popstate', onHash);
    const offNavigate = api.onNavigate((e) =>
      navigate(e.cluster ? { view: e.view, cluster: e.cluster } : { view: e.view }),
    );
    const offWarp = api.onWarpState(setWarp);
    api.getWarpState().then(setWarp, () => setWarp(null));
    return () => {
      window.removeEventListener('hashchange', onHash);
      window.removeEventListener('popstate', onHash);
      offNavigate();
      offWarp();
    };
  }, [api, navigate]);

  const current = VIEWS.find((v) => v.view === route.view) ?? VIEWS[0];
  useEffect(() => {
    document.title = `${current?.label ?? 'kubezt'} · kubezt`;
  }, [current]);

  return (
    <div className="shell">
      {/* A button, not a #content link: the hash belongs to the router. */}
      <button type="button" className="skip-link" onClick={() => mainRef.current?.focus()}>
        Skip to content
      </button>
      <header className="topbar">
        <div className="brand">
          <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true" focusable="false">
            <path d="M12 1.5 21.1 6.75v10.5L12 22.5 2.9 17.25V6.75Z" className="brand-hex" />
            <circle cx="12" cy="12" r="3" className="brand-dot" />
          </svg>
          <span>kubezt</span>
        </div>
        <nav aria-label="Views" className="tabs">
          {VIEWS.map((v) => (
            <a
              key={v.view}
              href={routeHash({ view: v.view })}
              className="tab"
              aria-current={v.view === route.view ? 'page' : undefined}
              onClick={(e) => {
                e.preventDefault();
                navigate({ view: v.view });
              }}
            >
              {v.label}
            </a>
          ))}
        </nav>
        <WarpPill warp={warp} />
      </header>
      <WarpBanner warp={warp} />
      {link.event && (
        <DeepLinkBanner
          link={link.event}
          busy={link.busy}
          result={link.result}
          onConfirm={() => void link.confirm(navigate)}
          onDismiss={link.dismiss}
        />
      )}
      <main id="content" ref={mainRef} tabIndex={-1} className="content" aria-label={current?.label}>
        {route.view === 'clusters' && <ClustersView navigate={navigate} warp={warp} />}
        {route.view === 'setup' && <SetupView navigate={navigate} />}
        {route.view === 'diagnostics' && <DiagnosticsView navigate={navigate} cluster={route.cluster} />}
        {route.view === 'settings' && <SettingsView />}
      </main>
    </div>
  );
}

/** The last kubezt:// link main handed over, and what confirming it does. */
function useDeepLink() {
  const api = useApi();
  const [event, setEvent] = useState<DeepLinkEvent | null>(null);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<string | null>(null);
  useEffect(
    () =>
      api.onDeepLink((e) => {
        setEvent(e);
        setResult(null);
      }),
    [api],
  );
  const dismiss = useCallback(() => setEvent(null), []);
  const confirm = useCallback(
    async (navigate: Navigate) => {
      if (!event?.cluster || event.error) return;
      if (event.action === 'diagnose') {
        setEvent(null);
        navigate({ view: 'diagnostics', cluster: event.cluster });
        return;
      }
      setBusy(true);
      try {
        // biome-ignore lint/correctness/useHookAtTopLevel: KubeztApi.useContext is an IPC request, not a React hook.
        const r = await api.useContext({ name: event.cluster });
        setResult(`kubectl now uses ${r.context}.`);
      } catch (e) {
        setResult(errorOf(e).message);
      } finally {
        setBusy(false);
      }
    },
    [api, event],
  );
  return { event, busy, result, dismiss, confirm };
}
