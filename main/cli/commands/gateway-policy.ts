import {
  POLICY_LIST_NAME,
  policyBodies,
  policyItems,
  policyTerraform,
} from '../../core/discovery/cloudflare/gateway-policy.ts';
import { UserError } from '../../core/errors.ts';
import { type Command, parseCommandArgs, writeJson } from '../command.ts';
import { warningsForRun } from '../warning-lines.ts';
import { cliWorkspace } from './clusters.ts';

const usage = `Usage: kubezt gateway-policy [--terraform | --json] [--refresh]

Prints the Gateway configuration that keeps kubectl's TLS out of HTTP inspection, for the API
IPs discovered in the Cloudflare account: an IP list ("${POLICY_LIST_NAME}") and an HTTP
policy with action "off" (Do Not Inspect) that references it. Nothing is changed in the account.

Without an option: which API IPs an enabled Do Not Inspect policy already covers, and which not.

Options:
  --terraform  the two resources for the Cloudflare Terraform provider v5:
               cloudflare_zero_trust_list and cloudflare_zero_trust_gateway_policy
  --json       the bodies of POST /accounts/{account_id}/gateway/lists ("list") and
               POST /accounts/{account_id}/gateway/rules ("rule"); replace LIST_ID in the rule's
               traffic with the id of the list the first call created
  --refresh    fetch from Cloudflare now instead of the cached list

Exit codes: 0 printed, 2 bad usage, Cloudflare not configured or no API IP discovered.
`;

export const gatewayPolicyCommand: Command = {
  name: 'gateway-policy',
  usage,
  async run(args, ctx) {
    const { values } = parseCommandArgs('gateway-policy', args, {
      terraform: { type: 'boolean' },
      json: { type: 'boolean' },
      refresh: { type: 'boolean' },
    });
    if (values.terraform && values.json) {
      throw new UserError(
        'bad-usage',
        '--terraform and --json are two forms of the same output: give one ("kubezt gateway-policy --help").',
      );
    }
    const { loadInventory } = await import('../../core/inventory/load.ts');
    const ws = await cliWorkspace(ctx);
    const inv = await loadInventory(ws, { refresh: values.refresh === true });
    const accountId = inv.cloudflare.accountId;
    const items = policyItems(inv.clusters);
    if (!accountId || inv.cloudflare.status === 'not-configured' || inv.cloudflare.status === 'error') {
      throw new UserError(
        'not-logged-in',
        '"kubezt gateway-policy" needs the API IPs discovered in Cloudflare: run "kubezt login" (or set CLOUDFLARE_API_TOKEN and CLOUDFLARE_ACCOUNT_ID), then try again.',
      );
    }
    if (items.length === 0) {
      throw new UserError(
        'not-found',
        `Cloudflare account ${accountId} routes no Kubernetes API server kubezt recognises: give each API server's tunnel route a comment with "kubernetes" or "k8s", then run "kubezt gateway-policy --refresh".`,
      );
    }
    if (values.json) writeJson(ctx, policyBodies(items));
    else if (values.terraform) ctx.stdout.write(policyTerraform(accountId, items));
    else ctx.stdout.write(coverage(inv.gatewayAudit, items.length));
    for (const w of await warningsForRun(ctx, inv.warnings, 'daily')) ctx.stderr.write(`kubezt: warning: ${w}\n`);
    return 0;
  },
};

function coverage(
  audit: readonly { ip: string; cluster: string; doNotInspect: boolean; coveredBy: { ruleName: string }[] }[],
  count: number,
): string {
  const lines = audit.map((a) =>
    a.doNotInspect
      ? `${a.ip}  ${a.cluster}  covered by "${a.coveredBy.map((r) => r.ruleName).join('", "')}"`
      : `${a.ip}  ${a.cluster}  NOT covered by any enabled Do Not Inspect policy`,
  );
  // One IP in two virtual networks is audited twice but counted once.
  const missing = new Set(audit.filter((a) => !a.doNotInspect).map((a) => a.ip)).size;
  const summary =
    missing === 0
      ? `All ${count} API IPs are exempt from HTTP inspection.`
      : `${missing} of ${count} API IPs lack a Do Not Inspect policy: "kubezt gateway-policy --terraform" (or --json) prints the list and policy to add.`;
  return `${[...lines, '', summary].join('\n')}\n`;
}
