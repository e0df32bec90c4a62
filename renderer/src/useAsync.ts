import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { IpcError, KubeztApi } from '../../ipc/contract.ts';
import { errorOf, useApi } from './api.ts';

/** A request as a view shows it: still running, failed with one sentence, or answered. */
export type Async<T> = { status: 'loading' } | { status: 'error'; error: IpcError } | { status: 'ready'; value: T };

export interface AsyncResource<T> {
  state: Async<T>;
  /** Asks again, showing the loading state meanwhile. */
  reload(): void;
  /** Replaces the answer with a newer one that came another way (an event, a save, a sign-in). */
  set(value: T): void;
}

/** The answer when there is one. */
export function loaded<T>(state: Async<T>): T | undefined {
  return state.status === 'ready' ? state.value : undefined;
}

/** The failure when there is one. */
export function failure<T>(state: Async<T>): IpcError | null {
  return state.status === 'error' ? state.error : null;
}

/**
 * Runs `load` when the view mounts and holds its state. An answer that arrives after the view
 * went away, or after a newer `reload`, is dropped, so a slow first request never overwrites a
 * later one. `load` may change on every render: the latest one runs.
 */
export function useAsync<T>(load: (api: KubeztApi) => Promise<T>): AsyncResource<T> {
  const api = useApi();
  const [state, setState] = useState<Async<T>>({ status: 'loading' });
  const latest = useRef(load);
  const generation = useRef(0);

  useEffect(() => {
    latest.current = load;
  });

  const reload = useCallback(() => {
    const mine = ++generation.current;
    setState((s) => (s.status === 'loading' ? s : { status: 'loading' }));
    latest.current(api).then(
      (value) => {
        if (generation.current === mine) setState({ status: 'ready', value });
      },
      (e) => {
        if (generation.current === mine) setState({ status: 'error', error: errorOf(e) });
      },
    );
  }, [api]);

  useEffect(() => {
    reload();
    return () => {
      generation.current++;
    };
  }, [reload]);

  const set = useCallback((value: T) => setState({ status: 'ready', value }), []);
  return useMemo(() => ({ state, reload, set }), [state, reload, set]);
}
