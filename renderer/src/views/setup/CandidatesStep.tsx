import type { IpcError, SetupCandidate } from '../../../../ipc/contract.ts';
import { InlineError } from '../../components/common.tsx';
import { CheckField } from '../../components/form.tsx';
import { StepButtons } from './parts.tsx';

const PLAN_TEXT: Record<SetupCandidate['plan'], string> = {
  add: 'New',
  update: 'Already there; will be updated',
  unchanged: 'Already there and up to date',
  blocked: 'Cannot be added',
};

interface CandidatesStepProps {
  candidates: readonly SetupCandidate[];
  selected: ReadonlySet<string>;
  trusted: ReadonlyMap<string, string>;
  /** Selected clusters whose certificate the user has not confirmed yet. */
  untrusted: readonly SetupCandidate[];
  error: IpcError | null;
  canReview: boolean;
  onSelect: (name: string, on: boolean) => void;
  onTrust: (candidate: SetupCandidate, on: boolean) => void;
  onBack: () => void;
  onReview: () => void;
}

/** Step 3: the clusters discovery found, which to write, and the certificates to confirm first. */
export function CandidatesStep(props: CandidatesStepProps) {
  if (props.candidates.length === 0) {
    return (
      <div>
        <p>
          No Kubernetes API servers were found. Cloudflare discovery looks for single-host tunnel routes (/32 or /128)
          whose comment mentions "kubernetes" or "k8s"; a catalog file lists clusters explicitly.
        </p>
        <CandidatesFooter {...props} />
      </div>
    );
  }
  return (
    <fieldset>
      <legend>Choose the clusters to add to your kubeconfig</legend>
      <ul className="candidates">
        {props.candidates.map((c) => (
          <Candidate
            key={c.name}
            candidate={c}
            selected={props.selected.has(c.name)}
            trusted={props.trusted.has(c.name)}
            onSelect={(on) => props.onSelect(c.name, on)}
            onTrust={(on) => props.onTrust(c, on)}
          />
        ))}
      </ul>
      <CandidatesFooter {...props} />
    </fieldset>
  );
}

function CandidatesFooter(props: CandidatesStepProps) {
  return (
    <>
      <InlineError error={props.error} />
      {props.untrusted.length > 0 && (
        <p className="warning small" role="status">
          Confirm the certificate of {props.untrusted.map((c) => c.name).join(', ')} or unselect it.
        </p>
      )}
      <StepButtons onBack={props.onBack}>
        <button type="button" className="button button-primary" onClick={props.onReview} disabled={!props.canReview}>
          Review changes
        </button>
      </StepButtons>
    </>
  );
}

function Candidate(props: {
  candidate: SetupCandidate;
  selected: boolean;
  trusted: boolean;
  onSelect: (on: boolean) => void;
  onTrust: (on: boolean) => void;
}) {
  const c = props.candidate;
  const blocked = c.plan === 'blocked';
  return (
    <li className={blocked ? 'candidate candidate-blocked' : 'candidate'}>
      <CheckField id={`cand-${c.name}`} checked={props.selected} disabled={blocked} onChange={props.onSelect}>
        <strong>{c.name}</strong> <span className="muted">→ context</span> <code>{c.contextName}</code>
        <span className="muted small block mono">{c.server ?? c.ips.join(', ')}</span>
        <span className="muted small block">
          {PLAN_TEXT[c.plan]}
          {' · '}
          {c.sources.map((s) => (s === 'cloudflare' ? 'Cloudflare' : 'catalog')).join(' + ')}
        </span>
      </CheckField>
      {c.ca.status === 'needs-confirmation' && (
        <CertificateCheck candidate={c} trusted={props.trusted} onTrust={props.onTrust} />
      )}
      {(c.ca.status === 'refused' || c.ca.status === 'unavailable') && c.ca.reason && (
        <p className="inline-error small">{c.ca.reason}</p>
      )}
    </li>
  );
}

/** Trust on first use: the fingerprint to compare, and the user's word that it matches. */
function CertificateCheck(props: { candidate: SetupCandidate; trusted: boolean; onTrust: (on: boolean) => void }) {
  const c = props.candidate;
  return (
    <div className="tofu">
      <p className="small">
        No certificate authority is known for this server. Compare its certificate fingerprint with the one your cluster
        admin gives you:
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
      <CheckField checked={props.trusted} onChange={props.onTrust}>
        I checked this fingerprint; trust this certificate for {c.name}
      </CheckField>
    </div>
  );
}
