import { parseArgs } from 'node:util';
import type { CloudflareAccount } from '../../core/discovery/cloudflare/index.ts';
import { UserError } from '../../core/errors.ts';
import type { AccountWording } from '../../usecases/login-account.ts';
import type { CliContext, Command } from '../command.ts';
import { PromptCancelled, readLine } from '../prompt.ts';
import { cliWorkspace } from './clusters.ts';

const usage = `Usage: kubezt login [--account-id ID]

Stores a Cloudflare API token in the OS keychain (macOS Keychain, Windows Credential Manager, the
Secret Service on Linux) and selects the Cloudflare account to discover clusters from.

The token is read from stdin when stdin is not a terminal ("kubezt login < token.txt",
"pass show cf | kubezt login"), else typed at a hidden prompt. It is never taken from the
command line, where other users and shell history would see it. It is verified with Cloudflare
before it is stored. Create it in the dashboard (My Profile → API Tokens) with
Account → Cloudflare Tunnel Read and Account → Zero Trust Read.

Options:
  --account-id ID  the account (32 hexadecimal characters, from the dashboard URL); when omitted,
                   the token's only account is used, or you pick one of several at a prompt

CLOUDFLARE_API_TOKEN, when set, overrides the keychain token. CLOUDFLARE_ACCOUNT_ID, when set,
is the account used when --account-id is not given.
Exit codes: 0 logged in, 2 bad input (token rejected, no account chosen, no keychain); nothing is
saved unless the whole login succeeds.
`;

/** A token is about 40 characters; anything much longer on stdin is not a token. */
const MAX_TOKEN_INPUT = 4096;

function parseLoginArgs(args: string[]): { accountId?: string } {
  // `--account-id VALUE` is read as `--account-id=VALUE` even when VALUE starts with '-' (which
  // parseArgs refuses as ambiguous): whatever was given then meets the account id's own check,
  // which says what an account id looks like, instead of a usage error that depends on its first
  // character (a base64url token pasted there starts with '-' one time in 64).
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--account-id' && i + 1 < args.length) joined.push(`${arg}=${args[++i]}`);
    else joined.push(arg);
  }
  try {
    const { values, positionals } = parseArgs({
      args: joined,
      options: { 'account-id': { type: 'string' } },
      allowPositionals: true,
      strict: true,
    });
    if (positionals.length === 0) return values['account-id'] ? { accountId: values['account-id'] } : {};
  } catch {
    // Falls through: parseArgs quotes the offending argument, which may be a pasted token.
  }
  throw new UserError(
    'bad-usage',
    '"kubezt login" takes only --account-id ID: the token is read from stdin or typed at a hidden prompt, never given as an argument ("kubezt login --help").',
  );
}

async function readAll(stdin: CliContext['stdin']): Promise<string> {
  let text = '';
  for await (const chunk of stdin) {
    text += typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
    if (text.length > MAX_TOKEN_INPUT) {
      throw new UserError(
        'bad-input',
        'stdin holds far more than an API token: pipe in only the Cloudflare API token.',
      );
    }
  }
  return text;
}

/**
 * Reads one line from a terminal in raw mode, so nothing typed is echoed (not even as "*":
 * the length of a token is nobody's business). Handles backspace, Ctrl-U, Ctrl-C and Ctrl-D,
 * and skips escape sequences (arrow keys).
 */
export function readHiddenLine(
  stdin: CliContext['stdin'],
  stderr: CliContext['stderr'],
  prompt: string,
): Promise<string> {
  return new Promise((resolve, reject) => {
    let value = '';
    let inEscape: 'none' | 'esc' | 'csi' = 'none';
    stdin.setRawMode?.(true);
    // The prompt only after raw mode is on: whatever is typed once it shows is not echoed.
    stderr.write(prompt);
    const finish = (result: () => void) => {
      stdin.off('data', onData);
      stdin.off('end', onEnd);
      stdin.setRawMode?.(false);
      stdin.pause();
      stderr.write('\n');
      result();
    };
    const onData = (chunk: string | Uint8Array) => {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      for (const ch of text) {
        if (inEscape === 'esc') {
          inEscape = ch === '[' || ch === 'O' ? 'csi' : 'none';
          continue;
        }
        if (inEscape === 'csi') {
          if (ch >= '@' && ch <= '~') inEscape = 'none';
          continue;
        }
        if (ch === '\r' || ch === '\n') return finish(() => resolve(value));
        if (ch === '\u0003') return finish(() => reject(new PromptCancelled()));
        if (ch === '\u0004') return finish(() => (value ? resolve(value) : reject(new PromptCancelled())));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else if (ch === '\u0015') value = '';
        else if (ch === '\u001b') inEscape = 'esc';
        else if (ch >= ' ') value += ch;
      }
    };
    // The terminal went away (ssh dropped): nothing more will come.
    const onEnd = () => finish(() => reject(new PromptCancelled()));
    stdin.on('data', onData);
    stdin.on('end', onEnd);
    stdin.resume();
  });
}

const cancelled = () => new UserError('bad-input', 'Login was cancelled; nothing was saved.');

async function readToken(ctx: CliContext): Promise<string> {
  let raw: string;
  if (ctx.stdin.isTTY) {
    try {
      raw = await readHiddenLine(ctx.stdin, ctx.stderr, 'Cloudflare API token (input hidden): ');
    } catch (e) {
      if (e instanceof PromptCancelled) throw cancelled();
      throw e;
    }
  } else {
    raw = await readAll(ctx.stdin);
  }
  const token = raw.trim();
  if (!token) {
    throw new UserError(
      'bad-input',
      ctx.stdin.isTTY
        ? 'No token was typed; nothing was saved.'
        : 'No token arrived on stdin: pipe the Cloudflare API token in ("kubezt login < token.txt") or run kubezt login in a terminal to type it.',
    );
  }
  if (/\s/.test(token)) {
    // Never echo any of it: a line of the input is likely the token itself.
    throw new UserError(
      'bad-input',
      'The token input holds several words or lines: give only the Cloudflare API token, on one line.',
    );
  }
  return token;
}

async function promptForAccount(ctx: CliContext, accounts: readonly CloudflareAccount[]): Promise<CloudflareAccount> {
  ctx.stderr.write('This token can use several Cloudflare accounts:\n');
  accounts.forEach((a, i) => {
    ctx.stderr.write(`  ${i + 1}. ${a.name} (${a.id})\n`);
  });
  for (let attempt = 0; attempt < 3; attempt++) {
    let answer: string;
    try {
      answer = (await readLine(ctx.stdin, ctx.stderr, `Account [1-${accounts.length}]: `)).trim();
    } catch (e) {
      if (e instanceof PromptCancelled) throw cancelled();
      throw e;
    }
    const n = Number(answer);
    const picked = Number.isInteger(n) ? accounts[n - 1] : accounts.find((a) => a.id === answer);
    if (picked) return picked;
    ctx.stderr.write(`Type a number from 1 to ${accounts.length}.\n`);
  }
  throw new UserError(
    'bad-input',
    'No account was chosen; nothing was saved: run kubezt login --account-id ID to name it directly.',
  );
}

/** How the CLI's refusals say where the account id goes: the --account-id flag. */
const CLI_ACCOUNT_WORDING: AccountWording = {
  named: (id) => `account ${id}`,
  pickListed: 'pick one of those with --account-id',
  retry: 'run kubezt login again',
  chooseOne: 'run kubezt login again with --account-id ID to choose one',
};

/** The same when the account id came from CLOUDFLARE_ACCOUNT_ID: the variable is what to change. */
const ENV_ACCOUNT_WORDING: AccountWording = {
  ...CLI_ACCOUNT_WORDING,
  named: (id) => `account ${id} (from CLOUDFLARE_ACCOUNT_ID)`,
  pickListed: 'set CLOUDFLARE_ACCOUNT_ID to one of those (or unset it and pass --account-id)',
};

export const loginCommand: Command = {
  name: 'login',
  usage,
  async run(args, ctx) {
    const { accountId: given } = parseLoginArgs(args);
    // The Cloudflare SDK is loaded only by the commands that talk to Cloudflare (start-up time).
    const { checkAccountId } = await import('../../core/discovery/cloudflare/api.ts');
    const { chooseLoginAccount, loginOverrides, wantedAccount } = await import('../../usecases/login-account.ts');
    const { id: wanted, fromEnv } = wantedAccount(given, ctx.env);
    if (wanted) {
      checkAccountId(
        wanted,
        fromEnv ? 'set CLOUDFLARE_ACCOUNT_ID to it (or unset it and pass --account-id)' : undefined,
      );
    }
    const ws = await cliWorkspace(ctx);
    // Before the token is typed: it would not be sent to a URL that is refused.
    const baseURL = ws.cloudflareBaseUrl();
    if (fromEnv) {
      ctx.stderr.write(`Using account ${wanted} from CLOUDFLARE_ACCOUNT_ID (--account-id chooses another).\n`);
    }
    const token = await readToken(ctx);
    const api = { token, ...(baseURL ? { baseURL } : {}), ...(ws.base.fetch ? { fetch: ws.base.fetch } : {}) };
    const { account } = await chooseLoginAccount({
      api,
      wanted,
      wording: fromEnv ? ENV_ACCOUNT_WORDING : CLI_ACCOUNT_WORDING,
      ...(ctx.stdin.isTTY ? { pick: (accounts) => promptForAccount(ctx, accounts) } : {}),
    });

    // Keychain first: if it is unavailable, the settings are left as they were.
    const store = await ws.secretStore();
    await store.set(token);
    ws.settings.update({ accountId: account.id });

    const named = account.name ? `${account.name} (${account.id})` : account.id;
    const lines = [`Logged in: token verified, account ${named}, token saved in ${store.describe()}.`];
    for (const note of loginOverrides(ctx.env, account.id)) lines.push(`Note: ${note}`);
    ctx.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  },
};
