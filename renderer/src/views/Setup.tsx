import type { Navigate } from '../App.tsx';
import { loaded } from '../useAsync.ts';
import { AccountStep } from './setup/AccountStep.tsx';
import { CandidatesStep } from './setup/CandidatesStep.tsx';
import { DoneStep } from './setup/DoneStep.tsx';
import { ReviewStep } from './setup/ReviewStep.tsx';
import { SourcesStep } from './setup/SourcesStep.tsx';
import { type SetupWizardModel, useSetupWizard } from './setup/useSetupWizard.ts';
import { canApply, canDiscover, canReview, liveLine, STEPS, type Step, untrustedSelected } from './setup/wizard.ts';

export function SetupView({ navigate }: { navigate: Navigate }) {
  const wizard = useSetupWizard();
  return <SetupWizard {...wizard} onOpenDashboard={() => navigate({ view: 'clusters' })} />;
}

/** The wizard as it looks in a given state: the step list, the current step's card, the live line. */
export function SetupWizard(props: SetupWizardModel & { onOpenDashboard: () => void }) {
  const { state, actions } = props;
  const login = loaded(props.login) ?? null;
  return (
    <section className="view" aria-labelledby="setup-title">
      <div className="view-header">
        <h1 id="setup-title">Set up kubeconfig</h1>
      </div>
      <StepList current={state.step} />

      <div className="card wizard">
        <h2 ref={props.headingRef} tabIndex={-1}>
          {STEPS[state.step - 1]?.label}
        </h2>
        {state.step === 1 && (
          <AccountStep
            login={props.login}
            form={state.account}
            actions={actions.account}
            onContinue={actions.continueFromAccount}
          />
        )}
        {state.step === 2 && (
          <SourcesStep
            login={login}
            choice={state}
            error={state.error}
            canDiscover={canDiscover(state, login)}
            onChange={actions.setSources}
            onChooseCatalog={() => void actions.chooseCatalogFile()}
            onBack={() => actions.go(1)}
            onDiscover={() => void actions.discover()}
          />
        )}
        {state.step === 3 && (
          <CandidatesStep
            candidates={state.candidates}
            selected={state.selected}
            trusted={state.trusted}
            untrusted={untrustedSelected(state)}
            error={state.error}
            canReview={canReview(state)}
            onSelect={actions.select}
            onTrust={actions.trust}
            onBack={() => actions.go(2)}
            onReview={() => void actions.review()}
          />
        )}
        {state.step === 4 && state.preview && (
          <ReviewStep
            preview={state.preview}
            error={state.error}
            canApply={canApply(state)}
            onBack={() => actions.go(3)}
            onApply={() => void actions.apply()}
          />
        )}
        {state.step === 5 && state.result && (
          <DoneStep result={state.result} onMore={() => actions.go(2)} onOpenDashboard={props.onOpenDashboard} />
        )}

        <p className="live-line small" role="status" aria-live="polite">
          {liveLine(state)}
        </p>
      </div>
    </section>
  );
}

function StepList({ current }: { current: Step }) {
  return (
    <ol className="steps" aria-label="Setup steps">
      {STEPS.map((s) => (
        <li
          key={s.step}
          className={s.step < current ? 'step-done' : s.step === current ? 'step-current' : undefined}
          aria-current={s.step === current ? 'step' : undefined}
        >
          <span className="step-number" aria-hidden="true">
            {s.step < current ? '✓' : s.step}
          </span>
          {s.label}
          {s.step < current && <span className="sr-only"> (done)</span>}
        </li>
      ))}
    </ol>
  );
}
