import type { LoginStatus } from '../../../../ipc/contract.ts';
import { InlineError } from '../../components/common.tsx';
import { Field, TextField, TextInput } from '../../components/form.tsx';
import type { Async } from '../../useAsync.ts';
import { StepButtons } from './parts.tsx';
import type { WizardActions } from './useSetupWizard.ts';
import type { AccountForm } from './wizard.ts';

interface AccountStepProps {
  login: Async<LoginStatus>;
  form: AccountForm;
  actions: WizardActions['account'];
  onContinue: (cloudflare: boolean) => void;
}

/** Step 1: who kubezt reads tunnel routes as, or a way to go on with a catalog file only. */
export function AccountStep(props: AccountStepProps) {
  const { login } = props;
  if (login.status === 'loading') return <p className="muted">Checking for an existing login…</p>;
  if (login.status === 'error') return <InlineError error={login.error} />;
  if (login.value.loggedIn && !props.form.editing) return <SignedIn {...props} login={login.value} />;
  return <SignInForm {...props} login={login.value} />;
}

function SignedIn({ login, form, actions, onContinue }: Omit<AccountStepProps, 'login'> & { login: LoginStatus }) {
  return (
    <div>
      <p>
        Signed in to Cloudflare with the API token from{' '}
        {login.source === 'env' ? <code>CLOUDFLARE_API_TOKEN</code> : 'your keychain'}
        {login.accountId ? (
          <>
            , account <code>{login.accountId}</code>
          </>
        ) : null}
        .
      </p>
      <InlineError error={form.error} />
      <StepButtons>
        {login.source === 'keychain' && (
          <button type="button" className="button" onClick={() => void actions.signOut()}>
            Sign out
          </button>
        )}
        <button type="button" className="button" onClick={() => actions.edit(true)}>
          Use another token
        </button>
        <button type="button" className="button button-primary" onClick={() => onContinue(true)}>
          Continue
        </button>
      </StepButtons>
    </div>
  );
}

function SignInForm({ login, form, actions, onContinue }: Omit<AccountStepProps, 'login'> & { login: LoginStatus }) {
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        void actions.signIn();
      }}
    >
      <p>
        kubezt reads tunnel routes with a Cloudflare API token (permissions: Account · Cloudflare Tunnel · Read, and
        Zero Trust · Read). It is kept in your OS keychain and never shown again.
      </p>
      <TextField
        id="cf-token"
        label="API token"
        type="password"
        autoComplete="off"
        value={form.token}
        onChange={actions.setToken}
        required
      />
      <Field
        id="cf-account"
        label={
          <>
            Account id <span className="muted small">(optional when the token sees one account)</span>
          </>
        }
      >
        {login.accounts && login.accounts.length > 1 ? (
          <select
            id="cf-account"
            className="input"
            value={form.accountId}
            onChange={(e) => actions.setAccountId(e.target.value)}
          >
            <option value="">Choose an account</option>
            {login.accounts.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name} ({a.id})
              </option>
            ))}
          </select>
        ) : (
          <TextInput id="cf-account" type="text" value={form.accountId} onChange={actions.setAccountId} />
        )}
      </Field>
      <InlineError error={form.error} />
      <StepButtons>
        <button type="button" className="button" onClick={() => onContinue(false)}>
          Skip: use a catalog file only
        </button>
        {login.loggedIn && (
          <button type="button" className="button" onClick={() => actions.edit(false)}>
            Cancel
          </button>
        )}
        <button type="submit" className="button button-primary" disabled={form.busy || form.token.trim() === ''}>
          {form.busy ? 'Checking the token…' : 'Sign in'}
        </button>
      </StepButtons>
    </form>
  );
}
