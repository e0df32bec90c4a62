import type { SetupResult } from '../../../../ipc/contract.ts';
import { ChangeList, StepButtons } from './parts.tsx';

/** Step 5: what was written, and where the previous version was kept. */
export function DoneStep(props: { result: SetupResult; onMore: () => void; onOpenDashboard: () => void }) {
  const { result } = props;
  return (
    <div>
      <ChangeList changes={result.changes} done />
      <p className="muted small">
        Written: {result.files.join(', ')}
        {result.backups.length > 0 ? ` · previous version kept as ${result.backups.join(', ')}` : ''}
      </p>
      <StepButtons onBack={props.onMore} backLabel="Set up more">
        <button type="button" className="button button-primary" onClick={props.onOpenDashboard}>
          Open dashboard
        </button>
      </StepButtons>
    </div>
  );
}
