/**
 * A separate process that uses the keychain, so the tests prove what a fresh kubezt process
 * sees (a memory-only keyring would be empty here). Usage: node keyring-child.ts ACTION SERVICE
 * ACTION: set (token on stdin, never argv) | get | delete | set-then-get.
 * Prints one JSON line. A token is reported as its SHA-256, so it never reaches the test output.
 */
import { createHash } from 'node:crypto';
import { text } from 'node:stream/consumers';
import { isUserError } from '../../../main/core/errors.ts';
import { KeyringSecretStore } from '../../../main/core/secrets/keyring.ts';

const [action, service] = process.argv.slice(2);
const store = new KeyringSecretStore({ env: process.env, platform: process.platform, service, timeoutMs: 20_000 });
const sha = (s: string | undefined) => (s === undefined ? null : createHash('sha256').update(s).digest('hex'));

try {
  let result: unknown;
  if (action === 'get') result = { sha256: sha(await store.get()) };
  else if (action === 'delete') result = { deleted: await store.delete() };
  else if (action === 'set') {
    await store.set(await text(process.stdin));
    result = { stored: true };
  } else if (action === 'set-then-get') {
    const token = await text(process.stdin);
    let setError: unknown;
    try {
      await store.set(token);
    } catch (e) {
      setError = { code: isUserError(e) ? e.code : 'bug', message: (e as Error).message };
    }
    let getError: unknown;
    let got: string | undefined;
    try {
      got = await store.get();
    } catch (e) {
      getError = { code: isUserError(e) ? e.code : 'bug', message: (e as Error).message };
    }
    result = { setError, getError, sha256: sha(got) };
  } else throw new Error(`unknown action ${action}`);
  process.stdout.write(`${JSON.stringify({ ok: true, result })}\n`);
} catch (e) {
  process.stdout.write(
    `${JSON.stringify({ ok: false, code: isUserError(e) ? e.code : 'bug', message: (e as Error).message })}\n`,
  );
}
