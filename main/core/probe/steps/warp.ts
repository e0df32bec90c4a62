import type { WarpMode } from '../../warp/types.ts';
import type { ProbeRun } from '../run.ts';
import { fail, ok, type StepOutcome, skip, warn } from './outcome.ts';
import type { Step } from './state.ts';

/** Whether WARP is connected (asked once per run, not per cluster). */
export const warpStep: Step = {
  name: 'warp',
  async run({ env, run }) {
    if (!env.warp) return skip('not-checked', 'WARP state not checked.');
    let w: Awaited<ReturnType<ProbeRun['warpState']>>;
    try {
      w = await run.warpState();
    } catch (e) {
      return warn(
        'warp-unknown',
        `WARP state could not be read: ${(e as Error).message}.`,
        'Check that warp-cli answers (`warp-cli status`).',
      );
    }
    const data = { state: w.state, gatewayOn: w.gatewayOn };
    const gw = w.gatewayOn ? ' with Gateway filtering on' : '';
    switch (w.state) {
      case 'connected':
        if (w.mode?.privateRouting === false) return modeUnsupported(w.mode, data);
        return ok('warp-connected', `WARP is connected${gw}${w.mode ? ` in ${w.mode.label}` : ''}.`, data);
      case 'connecting':
        return warn(
          'warp-connecting',
          'WARP is still connecting.',
          'Wait for WARP to connect, then check again.',
          data,
        );
      case 'disconnected':
        return fail(
          'warp-disconnected',
          `WARP is disconnected${w.detail ? ` (${w.detail})` : ''}.`,
          'Connect WARP (the Cloudflare WARP app, or `warp-cli connect`) and check again.',
          data,
        );
      case 'unavailable':
        return fail(
          'warp-unavailable',
          'The Cloudflare WARP client is not installed or its daemon is not running.',
          "Install the Cloudflare WARP client and enroll it in your organization's Zero Trust team.",
          data,
        );
      default:
        return warn(
          'warp-unknown',
          `WARP state is unknown${w.detail ? ` (${w.detail})` : ''}.`,
          'Check the WARP app; the next steps tell whether the cluster is reachable anyway.',
          data,
        );
    }
  },
  onDeadline: (_state, ms) =>
    warn(
      'warp-unknown',
      `WARP state could not be read within ${ms} ms.`,
      'Check that warp-cli answers (`warp-cli status`).',
    ),
};

/**
 * Connected, in a mode that carries no private IPs (DNS only, local proxy, posture only): virtual
 * networks and private routing work only in Traffic and DNS mode and Traffic only mode.
 */
function modeUnsupported(mode: WarpMode, data: Record<string, unknown>): StepOutcome {
  const named = mode.label === mode.raw ? mode.label : `${mode.label} (${mode.raw})`;
  const wanted = '"Traffic and DNS mode" or "Traffic only mode"';
  return fail(
    'warp-mode-unsupported',
    `WARP is connected in ${named}, which routes no private IPs, so no cluster behind a tunnel is reachable.`,
    mode.managed
      ? `Your organization sets this mode: ask your Zero Trust admin to put your device profile in ${wanted} (Settings → WARP Client → Device settings → the profile → Service mode).`
      : `Switch WARP to ${wanted} (\`warp-cli mode warp+doh\` or \`warp-cli mode warp\`), then check again.`,
    { ...data, mode: mode.raw, modeLabel: mode.label, managed: mode.managed },
  );
}
