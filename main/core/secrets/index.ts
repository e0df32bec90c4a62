export { secretExecArgs } from './exec-args.ts';
export { KeyringSecretStore, type KeyringSecretStoreOptions } from './keyring.ts';
export { MASK, maskKubeconfigLines } from './kubeconfig-mask.ts';
export { findSecretIn, type LeakSource, type SecretLeak } from './leaks.ts';
export {
  base64Cores,
  MIN_REDACTED_LENGTH,
  REDACTED,
  redactCredentialPatterns,
  redactedJson,
  redactSecrets,
  redactText,
  redactValue,
  type SecretForm,
  secretForms,
} from './redact.ts';
export { type ResolvedToken, requireToken, resolveToken } from './resolve.ts';
export { CLOUDFLARE_TOKEN_ACCOUNT, SECRET_SERVICE, type SecretStore, TOKEN_ENV_VAR } from './store.ts';
export { isPublicUserField, kubeconfigUserSecrets, type UserFieldPath } from './user-fields.ts';
