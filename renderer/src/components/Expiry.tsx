import { expiryPhrase, expiryState, type ProbeResultView } from '../../../ipc/contract.ts';

/**
 * When a cluster's credentials expire, under its status. Warning colours for expired ones and for
 * a certificate or token with under 7 days left; an exec plugin renews its own, so it stays quiet.
 */
export function Expiry({ expiry, now }: { expiry: ProbeResultView['expiry']; now?: Date }) {
  if (!expiry) return null;
  const at = now ?? new Date();
  const state = expiryState(expiry, at);
  const tone = state === 'expiring' && expiry.kind === 'exec' ? 'valid' : state;
  const until = new Date(expiry.expiresAt).toLocaleString();
  const from = expiry.issuer ? `, issued by ${expiry.issuer}` : expiry.plugin ? `, from ${expiry.plugin}` : '';
  return (
    <span className={`expiry expiry-${tone} small`} title={`Valid until ${until}${from}`}>
      {expiryPhrase(expiry, at)}
    </span>
  );
}
