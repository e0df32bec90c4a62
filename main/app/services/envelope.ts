import { type Envelope, type IpcError, isRequestName, type RequestOf, requests } from '../../../ipc/contract.ts';
import { isUserError } from '../../core/errors.ts';
import { oneLine } from '../../core/message-text.ts';
import { redactSecrets } from '../../core/secrets/redact.ts';
import type { Handlers } from './handlers.ts';
import type { Log } from './store.ts';

/** Room left in an error message for the bridge's 2,000-character limit. */
const MAX_ERROR_MESSAGE = 1_900;

/**
 * The one door into the handlers: validates the request against the contract, runs it, validates
 * the answer (stripping anything the contract does not declare) and returns an envelope. Never throws.
 */
export function createHandle(
  handlers: Handlers,
  log: Log,
): (name: string, payload: unknown) => Promise<Envelope<unknown>> {
  return async function handle(name, payload) {
    if (!isRequestName(name)) {
      return { ok: false, error: { code: 'invalid-request', message: 'kubezt does not know that request.' } };
    }
    const contract = requests[name];
    const parsed = contract.request.safeParse(payload);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue && issue.path.length > 0 ? `${issue.path.map(String).join('.')}: ` : '';
      return {
        ok: false,
        error: {
          code: 'invalid-request',
          // oneLine: zod quotes unknown keys as sent, control characters included.
          message: truncate(oneLine(`The ${name} request is invalid (${where}${issue?.message ?? 'malformed'}).`)),
        },
      };
    }
    // The token is the one secret that passes through here; nothing that goes back may hold it.
    const secrets = name === 'login' ? [(parsed.data as RequestOf<'login'>).token] : [];
    try {
      const value = await (handlers[name] as (request: unknown) => Promise<unknown>)(parsed.data);
      const checked = contract.response.safeParse(value);
      if (!checked.success) {
        log(`the ${name} response does not match the contract`, checked.error);
        return {
          ok: false,
          error: { code: 'internal', message: `kubezt produced an invalid answer to ${name}; this is a bug.` },
        };
      }
      return { ok: true, value: checked.data };
    } catch (e) {
      return { ok: false, error: toIpcError(e, name, secrets, log) };
    }
  };
}

function toIpcError(e: unknown, request: string, secrets: readonly string[], log: Log): IpcError {
  if (isUserError(e)) return { code: e.code, message: truncate(redactSecrets(e.message, secrets)) };
  const detail = e instanceof Error ? e.message : String(e);
  // Logged redacted too: the log is a file a user may attach to a ticket.
  const stack = e instanceof Error && e.stack ? `\n${redactSecrets(e.stack, secrets)}` : '';
  log(`internal error in ${request}: ${redactSecrets(detail, secrets)}${stack}`);
  return {
    code: 'internal',
    message: truncate(
      `kubezt failed to run ${request} (${redactSecrets(detail, secrets)}); this is a bug, please report it.`,
    ),
  };
}

function truncate(message: string): string {
  return message.length <= MAX_ERROR_MESSAGE ? message : `${message.slice(0, MAX_ERROR_MESSAGE - 1)}…`;
}
