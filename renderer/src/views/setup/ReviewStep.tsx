import type { IpcError, SetupPreview } from '../../../../ipc/contract.ts';
import { InlineError } from '../../components/common.tsx';
import { DiffView } from '../../components/DiffView.tsx';
import { ChangeList, StepButtons } from './parts.tsx';

/** Step 4: the exact diff of the user's kubeconfig, before anything is written. */
export function ReviewStep(props: {
  preview: SetupPreview;
  error: IpcError | null;
  canApply: boolean;
  onBack: () => void;
  onApply: () => void;
}) {
  const { preview } = props;
  return (
    <div>
      <p>
        {preview.diff
          ? `kubezt will change ${preview.files.join(', ')} exactly like this (a backup of the current file is kept in kubezt’s settings folder):`
          : 'Your kubeconfig already has these contexts: nothing to change.'}
      </p>
      {preview.warnings.map((w) => (
        <p key={w} className="warning small">
          {w}
        </p>
      ))}
      <ChangeList changes={preview.changes} />
      {preview.diff && <DiffView diff={preview.diff} label="Kubeconfig diff" />}
      <InlineError error={props.error} />
      <StepButtons onBack={props.onBack}>
        <button type="button" className="button button-primary" onClick={props.onApply} disabled={!props.canApply}>
          Apply
        </button>
      </StepButtons>
    </div>
  );
}
