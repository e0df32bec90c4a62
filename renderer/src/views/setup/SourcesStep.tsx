import type { IpcError, LoginStatus } from '../../../../ipc/contract.ts';
import { InlineError } from '../../components/common.tsx';
import { CheckField, PathInput } from '../../components/form.tsx';
import { StepButtons } from './parts.tsx';
import type { SourceChoice } from './wizard.ts';

/** Step 2: where discovery looks, the Cloudflare account (when signed in) and/or a catalog file. */
export function SourcesStep(props: {
  login: LoginStatus | null;
  choice: SourceChoice;
  error: IpcError | null;
  canDiscover: boolean;
  onChange: (change: Partial<SourceChoice>) => void;
  onChooseCatalog: () => void;
  onBack: () => void;
  onDiscover: () => void;
}) {
  const { login, choice, onChange } = props;
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        props.onDiscover();
      }}
    >
      <fieldset>
        <legend>Where should kubezt look for clusters?</legend>
        <CheckField
          checked={choice.useCloudflare && login?.loggedIn === true}
          disabled={!login?.loggedIn}
          onChange={(useCloudflare) => onChange({ useCloudflare })}
        >
          Cloudflare account discovery
          <span className="muted small block">
            {login?.loggedIn
              ? `Tunnel routes of account ${login.accountId ?? '(default)'} whose comment mentions Kubernetes.`
              : 'Sign in first (step 1) to discover from Cloudflare.'}
          </span>
        </CheckField>
        <CheckField checked={choice.useCatalog} onChange={(useCatalog) => onChange({ useCatalog })}>
          Team catalog file
          <span className="muted small block">A YAML file your team keeps, e.g. in a repository.</span>
        </CheckField>
        {choice.useCatalog && (
          <div className="field-row">
            <label htmlFor="catalog-path">Catalog file</label>
            <PathInput
              id="catalog-path"
              value={choice.catalogPath}
              onChoose={props.onChooseCatalog}
              placeholder="choose a file"
              describedBy="catalog-path-help"
            />
          </div>
        )}
        {choice.useCatalog && (
          <p id="catalog-path-help" className="muted small">
            Picked in a file dialog; the dashboard then lists its clusters too.
          </p>
        )}
      </fieldset>
      <InlineError error={props.error} />
      <StepButtons onBack={props.onBack}>
        <button type="submit" className="button button-primary" disabled={!props.canDiscover}>
          Discover clusters
        </button>
      </StepButtons>
    </form>
  );
}
