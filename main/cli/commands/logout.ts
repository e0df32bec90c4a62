import { TOKEN_ENV_VAR } from '../../core/secrets/store.ts';
import { type Command, parseCommandArgs } from '../command.ts';
import { cliWorkspace } from './clusters.ts';

const usage = `Usage: kubezt logout

Removes the Cloudflare API token that "kubezt login" stored in the OS keychain. The selected
account and the cached cluster list stay (they are not secret). Running it again is harmless.
`;

export const logoutCommand: Command = {
  name: 'logout',
  usage,
  async run(args, ctx) {
    parseCommandArgs('logout', args, {});
    const ws = await cliWorkspace(ctx);
    const store = await ws.secretStore();
    const removed = await store.delete();
    const lines = [
      removed
        ? `Logged out: removed the Cloudflare API token from ${store.describe()}.`
        : `No Cloudflare API token was stored in ${store.describe()}; nothing to remove.`,
    ];
    if (ctx.env[TOKEN_ENV_VAR]?.trim()) {
      lines.push(`Note: ${TOKEN_ENV_VAR} is still set in this environment, so kubezt keeps using that token.`);
    }
    ctx.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  },
};
