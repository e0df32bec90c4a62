import { KeyringSecretStore } from '../../main/core/secrets/index.ts';

/** The default keychain item (service "kubezt"), as the product uses it. */
export const testKeychain = () =>
  new KeyringSecretStore({ env: process.env, platform: process.platform, timeoutMs: 20_000 });

/**
 * Why keychain tests cannot run here, or undefined when they can: they need the Linux Secret
 * Service (run under dbus-run-session with an unlocked gnome-keyring, as npm test does), and
 * they refuse to touch an item that already holds a token: it would be a real user's.
 */
export async function keychainSkipReason(): Promise<string | undefined> {
  if (process.platform !== 'linux') return 'skipped: these tests drive the Linux Secret Service';
  if (!process.env.DBUS_SESSION_BUS_ADDRESS) {
    return 'skipped: DBUS_SESSION_BUS_ADDRESS is unset; run under dbus-run-session with an unlocked gnome-keyring (npm test does) to test against the real Secret Service';
  }
  try {
    if ((await testKeychain().get()) !== undefined) {
      return 'skipped: this keyring already holds a kubezt token (probably a real one) that the test would overwrite; run under dbus-run-session with a throwaway gnome-keyring';
    }
  } catch (e) {
    return `skipped: the Secret Service is not usable here (${(e as Error).message})`;
  }
  return undefined;
}
