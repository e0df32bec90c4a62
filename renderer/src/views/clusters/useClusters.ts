import { useCallback, useEffect, useReducer, useRef, useState } from 'react';
import type { ClusterList, ClusterView, DiscoveryProgress, ProbeResultView } from '../../../../ipc/contract.ts';
import { errorOf, useApi } from '../../api.ts';
import { type Async, useAsync } from '../../useAsync.ts';

/** Each cluster's latest result and the clusters still being checked, changed together. */
interface Probes {
  /** A Map: copying one per batch of results costs little even at thousands of clusters. */
  results: ReadonlyMap<string, ProbeResultView>;
  checking: ReadonlySet<string>;
}

type ProbeAction =
  | { kind: 'results'; results: readonly ProbeResultView[] }
  | { kind: 'checking'; names: readonly string[] }
  | { kind: 'checked' }
  | { kind: 'replace'; results: readonly ProbeResultView[] };

function probesReducer(state: Probes, action: ProbeAction): Probes {
  switch (action.kind) {
    case 'results': {
      const results = new Map(state.results);
      let checking = state.checking;
      for (const r of action.results) {
        results.set(r.cluster, r);
        if (checking.has(r.cluster)) {
          if (checking === state.checking) checking = new Set(checking);
          (checking as Set<string>).delete(r.cluster);
        }
      }
      return { results, checking };
    }
    case 'replace':
      return { ...state, results: withResults(state.results, action.results) };
    case 'checking':
      return { ...state, checking: new Set([...state.checking, ...action.names]) };
    case 'checked':
      return state.checking.size === 0 ? state : { ...state, checking: new Set() };
  }
}

function withResults(
  old: ReadonlyMap<string, ProbeResultView>,
  results: readonly ProbeResultView[],
): ReadonlyMap<string, ProbeResultView> {
  if (results.length === 0) return old;
  const next = new Map(old);
  for (const r of results) next.set(r.cluster, r);
  return next;
}

/** Runs `then` in a task of its own after the next frame is painted. */
function afterNextPaint(then: () => void): void {
  requestAnimationFrame(() => setTimeout(then, 0));
}

/**
 * Probe results arrive one IPC message each (a thousand per check of a thousand clusters):
 * they are queued and applied once per animation frame, so the page re-renders at most once a
 * frame however fast they come.
 */
function useFrameBatch(dispatch: (a: ProbeAction) => void): (r: ProbeResultView) => void {
  const queue = useRef<ProbeResultView[]>([]);
  const frame = useRef<number | null>(null);
  useEffect(
    () => () => {
      if (frame.current !== null) cancelAnimationFrame(frame.current);
    },
    [],
  );
  return useCallback(
    (result: ProbeResultView) => {
      queue.current.push(result);
      frame.current ??= requestAnimationFrame(() => {
        frame.current = null;
        const results = queue.current;
        queue.current = [];
        dispatch({ kind: 'results', results });
      });
    },
    [dispatch],
  );
}

/**
 * The list, each cluster's latest result, and what is being checked. Results stream in by event
 * while a check runs; a cluster never checked is checked as soon as the list arrives.
 */
export function useClusters() {
  const api = useApi();
  const [probes, dispatch] = useReducer(probesReducer, {
    results: new Map<string, ProbeResultView>(),
    checking: new Set<string>(),
  });
  const [progress, setProgress] = useState<DiscoveryProgress | null>(null);
  const [busy, setBusy] = useState<'refresh' | 'check' | null>(null);
  const [notice, setNotice] = useState<{ text: string; error: boolean } | null>(null);
  const onResult = useFrameBatch(dispatch);

  const check = useCallback(
    async (names: string[]) => {
      if (names.length === 0) return;
      setBusy('check');
      dispatch({ kind: 'checking', names });
      try {
        await api.check({ names });
      } catch (e) {
        setNotice({ text: errorOf(e).message, error: true });
      } finally {
        dispatch({ kind: 'checked' });
        setBusy(null);
      }
    },
    [api],
  );

  const list = useAsync(async (a) => {
    const loaded = await a.listClusters();
    dispatch({ kind: 'replace', results: loaded.lastResults });
    const seen = new Set(loaded.lastResults.map((r) => r.cluster));
    const unchecked = loaded.clusters.filter((c) => !seen.has(c.name)).map((c) => c.name);
    // Started once the rows are painted: a check's results (one message each) would otherwise
    // queue up beside the first render and hold back its frame.
    if (unchecked.length > 0) afterNextPaint(() => void check(unchecked));
    return loaded;
  });
  const setList = list.set;

  useEffect(() => {
    const offResult = api.onProbeResult(({ result }) => onResult(result));
    const offList = api.onClustersChanged((changed) => {
      setList(changed);
      dispatch({ kind: 'replace', results: changed.lastResults });
    });
    const offProgress = api.onDiscoveryProgress(setProgress);
    return () => {
      offResult();
      offList();
      offProgress();
    };
  }, [api, setList, onResult]);

  const refresh = async () => {
    setBusy('refresh');
    setNotice(null);
    try {
      const fresh = await api.refresh();
      setList(fresh);
      setNotice({
        text: `Found ${fresh.clusters.length} cluster${fresh.clusters.length === 1 ? '' : 's'}.`,
        error: false,
      });
      setBusy(null);
      await check(fresh.clusters.map((c) => c.name));
    } catch (e) {
      setNotice({ text: errorOf(e).message, error: true });
    } finally {
      setBusy(null);
      setProgress(null);
    }
  };

  const use = useCallback(
    async (cluster: ClusterView) => {
      setNotice(null);
      try {
        // biome-ignore lint/correctness/useHookAtTopLevel: KubeztApi.useContext is an IPC request, not a React hook.
        const r = await api.useContext({ name: cluster.context ?? cluster.name });
        setNotice({ text: `Switched kubectl to ${r.context}.`, error: false });
      } catch (e) {
        setNotice({ text: errorOf(e).message, error: true });
      }
    },
    [api],
  );

  const load: Async<ClusterList> = list.state;
  return {
    load,
    reload: list.reload,
    results: probes.results,
    checking: probes.checking,
    progress,
    busy,
    notice,
    check,
    refresh,
    use,
  };
}

/** The pinned cluster names (a setting), and the toggle the rows' pin buttons call. */
export function usePinned() {
  const api = useApi();
  const [pinned, setPinned] = useState<readonly string[]>([]);
  useEffect(() => {
    let live = true;
    api.getSettings().then(
      (s) => live && setPinned(s.settings.pinned ?? []),
      () => {},
    );
    return () => {
      live = false;
    };
  }, [api]);
  const toggle = useCallback(
    async (name: string) => {
      const next = pinned.includes(name) ? pinned.filter((n) => n !== name) : [...pinned, name];
      setPinned(next);
      try {
        const saved = await api.setSettings({ pinned: next });
        setPinned(saved.settings.pinned ?? []);
      } catch {
        setPinned(pinned);
      }
    },
    [api, pinned],
  );
  return { pinned, toggle };
}
