import type { ReactNode } from 'react';
import type { IpcError, ProbeResultView, StepStatus } from '../../../ipc/contract.ts';

export function formatLatency(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  return ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`;
}

export function formatDuration(ms: number | null): string {
  if (ms === null) return '';
  if (ms < 1) return '<1 ms';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

export function formatTime(iso: string | null): string {
  if (!iso) return 'never';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

type Reach = ProbeResultView['reachability'] | 'checking' | 'unknown';

const REACH_LABEL: Record<Reach, string> = {
  reachable: 'Reachable',
  degraded: 'Degraded',
  unreachable: 'Unreachable',
  checking: 'Checking…',
  unknown: 'Not checked',
};

/** Shape and text, never colour alone. */
export function ReachMark({ state, label }: { state: Reach; label?: string }) {
  return (
    <span className={`mark mark-${state}`}>
      <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true" focusable="false">
        {state === 'reachable' && <circle cx="8" cy="8" r="6" />}
        {state === 'degraded' && <path d="M8 1.5 15 14H1Z" />}
        {state === 'unreachable' && <path d="M3 3 13 13M13 3 3 13" className="stroke" />}
        {state === 'checking' && <circle cx="8" cy="8" r="5.5" className="stroke spin" />}
        {state === 'unknown' && <circle cx="8" cy="8" r="5.5" className="stroke" />}
      </svg>
      <span>{label ?? REACH_LABEL[state]}</span>
    </span>
  );
}

const STEP_LABEL: Record<StepStatus, string> = { ok: 'passed', warn: 'warning', fail: 'failed', skip: 'skipped' };

export function StepIcon({ status }: { status: StepStatus }) {
  return (
    <span className={`step-icon step-icon-${status}`} role="img" aria-label={STEP_LABEL[status]}>
      <svg viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" focusable="false">
        {status === 'ok' && <path d="M3.5 8.5 6.5 11.5 12.5 4.5" className="stroke" />}
        {status === 'warn' && <path d="M8 3v6M8 12v.5" className="stroke" />}
        {status === 'fail' && <path d="M4 4 12 12M12 4 4 12" className="stroke" />}
        {status === 'skip' && <path d="M4 8h8" className="stroke" />}
      </svg>
    </span>
  );
}

export function ErrorState({ error, title, action }: { error: IpcError; title: string; action?: ReactNode }) {
  return (
    <div className="state state-error" role="alert">
      <h2>{title}</h2>
      <p>{error.message}</p>
      {error.code !== 'internal' && <p className="muted small">Error code: {error.code}</p>}
      {action}
    </div>
  );
}

export function EmptyState({ title, children }: { title: string; children: ReactNode }) {
  return (
    <div className="state state-empty">
      <h2>{title}</h2>
      {children}
    </div>
  );
}

export function InlineError({ error }: { error: IpcError | null }) {
  if (!error) return null;
  return (
    <p className="inline-error" role="alert">
      {error.message}
    </p>
  );
}
