export { KeyringSecretStore, type KeyringSecretStoreOptions } from './keyring.ts';
export {
  isPublicUserField,
  kubeconfigUserSecrets,
  MASK,
  maskKubeconfigLines,
  type UserFieldPath,
} from './kubeconfig.ts';
export { findSecretIn, type LeakSource, type SecretLeak } from './leaks.ts';
export {
  base64Cores,
  MIN_REDACTED_LENGTH,
  REDACTED,
  redactCredentialPatterns,
  redactSecrets,
  redactText,
  redactValue,
  type SecretForm,
  secretForms,
} from './redact.ts';
export { type ResolvedToken, requireToken, resolveToken } from './resolve.ts';
export { CLOUDFLARE_TOKEN_ACCOUNT, SECRET_SERVICE, type SecretStore, TOKEN_ENV_VAR } from './store.ts';
