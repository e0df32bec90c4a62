import type { ProbeResultView } from '../../../ipc/contract.ts';

type CredentialExpiry = NonNullable<ProbeResultView['expiry']>;

const LABEL: Record<CredentialExpiry['kind'], string> = {
  'client-certificate': 'certificate',
  token: 'token',
  exec: 'exec credential',
};
const DAY = 86_400_000;

function amount(ms: number): string {
  const unit = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  if (ms < 60_000) return 'less than a minute';
  if (ms < 2 * 3_600_000) return unit(Math.floor(ms / 60_000), 'minute');
  if (ms < 2 * DAY) return unit(Math.floor(ms / 3_600_000), 'hour');
  return unit(Math.floor(ms / DAY), 'day');
}

/** "certificate expires in 3 days", "token expired 2 hours ago", told by the page's own clock. */
export function expiryPhrase(expiry: CredentialExpiry, now: Date): string {
  const left = Date.parse(expiry.expiresAt) - now.getTime();
  return `${LABEL[expiry.kind]} ${left > 0 ? `expires in ${amount(left)}` : `expired ${amount(-left)} ago`}`;
}

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
