import { expiryPhrase, type ProbeResultView } from '../../../ipc/contract.ts';

const DAY = 86_400_000;

/**
 * When a cluster's credentials expire, under its status. Warning colours for expired ones and for
 * a certificate or token with under 7 days left; an exec plugin renews its own, so it stays quiet.
 */
export function Expiry({ expiry, now }: { expiry: ProbeResultView['expiry']; now?: Date }) {
  if (!expiry) return null;
  const at = now ?? new Date();
  const left = Date.parse(expiry.expiresAt) - at.getTime();
  const tone = left <= 0 ? 'expired' : left < 7 * DAY && expiry.kind !== 'exec' ? 'expiring' : 'valid';
  const until = new Date(expiry.expiresAt).toLocaleString();
  const from = expiry.issuer ? `, issued by ${expiry.issuer}` : expiry.plugin ? `, from ${expiry.plugin}` : '';
  return (
    <span className={`expiry expiry-${tone} small`} title={`Valid until ${until}${from}`}>
      {expiryPhrase(expiry, at)}
    </span>
  );
}
