/**
 * Whether a setting's source is the admin's. `network policy` (the device profile), `mdm`,
 * `override`, `api defaults` and `reg defaults` come from the organization; `user set` is the
 * user's own; `default`, `not set` and `derived` are the client's.
 */
export function isManagedSource(source: string): boolean | null {
  const s = source.toLowerCase().replace(/[^a-z]/g, '');
  if (!s) return null;
  if (/^(networkpolicy|policy|mdm|override|managed|apidefaults?|regdefaults?|deviceprofile|admin)/.test(s)) return true;
  if (/^(userset|user|local)/.test(s)) return false;
  if (/^(default|notset|derived|unset|none)/.test(s)) return false;
  return null;
}
