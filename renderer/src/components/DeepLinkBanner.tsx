import type { DeepLinkEvent } from '../../../ipc/contract.ts';

/**
 * What a kubezt:// link asked for, prefilled and waiting: nothing happens until the user clicks,
 * since any web page can open such a link. An unknown name or a malformed link is one sentence.
 */
export function DeepLinkBanner(props: {
  link: DeepLinkEvent;
  busy: boolean;
  result: string | null;
  onConfirm: () => void;
  onDismiss: () => void;
}) {
  const { link } = props;
  const ready = link.cluster && !link.error && link.action;
  const question =
    link.action === 'use' ? `Switch kubectl to ${link.cluster}?` : `Run diagnostics for ${link.cluster}?`;
  return (
    <section className="deep-link" aria-label="Link opened" role={link.error ? 'alert' : 'dialog'}>
      <p>
        {link.error ?? props.result ?? question}
        {ready && !props.result && (
          <span className="muted small"> A link asked for this; nothing happens until you confirm.</span>
        )}
      </p>
      <div className="toolbar">
        {ready && !props.result && (
          <button type="button" className="button button-primary" onClick={props.onConfirm} disabled={props.busy}>
            {link.action === 'use' ? `Use ${link.cluster}` : `Diagnose ${link.cluster}`}
          </button>
        )}
        <button type="button" className="button" onClick={props.onDismiss}>
          {ready && !props.result ? 'Cancel' : 'Dismiss'}
        </button>
      </div>
    </section>
  );
}
