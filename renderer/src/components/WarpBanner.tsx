import type { WarpStateView } from '../../../ipc/contract.ts';
import { useApi } from '../api.ts';

const WARP_DOCS = 'https://developers.cloudflare.com/cloudflare-one/connections/connect-devices/warp/';

/**
 * Shown when WARP is down: nothing routed through Zero Trust is reachable then, and every row
 * below would fail for the same reason. The space is not reserved (it is an alert, meant to move
 * things), but it only appears on a state change, never while rows stream in.
 */
export function WarpBanner({ warp }: { warp: WarpStateView | null }) {
  const api = useApi();
  if (warp?.status === 'connected' && warp.privateRouting === false) return <NoPrivateRouting warp={warp} />;
  if (!warp || (warp.status !== 'disconnected' && warp.status !== 'unavailable' && warp.status !== 'connecting')) {
    const sentence = warp?.organizationMatch?.sentence;
    return sentence ? (
      <OrganizationNotice sentence={sentence} mismatch={warp.organizationMatch?.state === 'mismatch'} />
    ) : null;
  }
  const reason = warp.reason ? ` (${warp.reason})` : '';
  return (
    <div className={`banner banner-${warp.status}`} role={warp.status === 'connecting' ? 'status' : 'alert'}>
      <svg viewBox="0 0 20 20" width="20" height="20" aria-hidden="true" focusable="false" className="banner-icon">
        <path d="M10 2 19 18H1Z" />
        <path d="M10 8v4.5M10 15v.5" className="banner-icon-mark" />
      </svg>
      <div className="banner-text">
        {warp.status === 'disconnected' && (
          <>
            <strong>WARP is disconnected{reason}.</strong> Clusters behind Cloudflare Zero Trust are unreachable until
            it reconnects: connect the WARP client (or run <code>warp-cli connect</code>); kubezt checks again by
            itself.
          </>
        )}
        {warp.status === 'connecting' && (
          <>
            <strong>WARP is connecting{reason}.</strong> Reachability is re-checked once it is up.
          </>
        )}
        {warp.status === 'unavailable' && (
          <>
            <strong>Cloudflare WARP is not installed{reason}.</strong> kubezt reaches your clusters through the WARP
            client; install it and enrol this device in your Zero Trust organisation.
          </>
        )}
      </div>
      {warp.status === 'unavailable' && (
        <button type="button" className="button button-quiet" onClick={() => void api.openExternal({ url: WARP_DOCS })}>
          How to install WARP
        </button>
      )}
    </div>
  );
}

/** Connected, but in a mode (DoH only, proxy) that carries no private IPs: every cluster fails. */
function NoPrivateRouting({ warp }: { warp: WarpStateView }) {
  const mode = warp.mode?.label ?? 'its current mode';
  const fix = warp.mode?.managed
    ? 'ask your Zero Trust admin for a device profile in "Traffic and DNS mode" (or "Traffic only mode").'
    : 'switch the WARP client to "Traffic and DNS mode" (warp-cli mode warp+doh).';
  return (
    <div className="banner banner-connecting" role="alert">
      <svg viewBox="0 0 20 20" width="20" height="20" aria-hidden="true" focusable="false" className="banner-icon">
        <path d="M10 2 19 18H1Z" />
        <path d="M10 8v4.5M10 15v.5" className="banner-icon-mark" />
      </svg>
      <div className="banner-text">
        <strong>WARP is connected in {mode}, which routes no private IPs.</strong> Clusters behind Cloudflare Zero Trust
        are unreachable in this mode: {fix}
      </div>
    </div>
  );
}

/** WARP is in another Zero Trust organization than the clusters' account (or that could not be checked). */
function OrganizationNotice({ sentence, mismatch }: { sentence: string; mismatch: boolean }) {
  return (
    <div className="banner banner-connecting" role={mismatch ? 'alert' : 'status'}>
      <svg viewBox="0 0 20 20" width="20" height="20" aria-hidden="true" focusable="false" className="banner-icon">
        <path d="M10 2 19 18H1Z" />
        <path d="M10 8v4.5M10 15v.5" className="banner-icon-mark" />
      </svg>
      <div className="banner-text">{sentence}</div>
    </div>
  );
}
