import type { ReactNode } from 'react';
import type { Change } from '../../../../ipc/contract.ts';

/** The buttons under a step: a way back (when there is one), then the step's own. */
export function StepButtons(props: { onBack?: () => void; backLabel?: string; children: ReactNode }) {
  return (
    <div className="wizard-actions">
      {props.onBack && (
        <button type="button" className="button" onClick={props.onBack}>
          {props.backLabel ?? 'Back'}
        </button>
      )}
      {props.children}
    </div>
  );
}

/** What a write changes (or changed), as the CLI says it; entries left as they were are not listed. */
export function ChangeList({ changes, done = false }: { changes: readonly Change[]; done?: boolean }) {
  return (
    <ul className={done ? 'changes changes-done' : 'changes'}>
      {changes
        .filter((c) => c.action !== 'unchanged')
        .map((c) => (
          <li key={`${c.kind}:${c.name}:${c.file}`}>{c.message}</li>
        ))}
    </ul>
  );
}
