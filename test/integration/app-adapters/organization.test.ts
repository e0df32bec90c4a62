/**
 * The app's WARP state carries the organization check: WARP's team (the fake warp-cli) against
 * the team of the account discovery read (the fake Cloudflare API), from the cache at start and
 * from each refresh, in the shape the IPC contract accepts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { WarpStateSchema, type WarpStateView } from '../../../ipc/contract.ts';
import { runCli } from '../../helpers/cli.ts';
import { type AppWorld, startAppWorld } from './world.ts';

let world: AppWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

function collect(w: AppWorld) {
  const states: WarpStateView[] = [];
  let wake: (() => void) | undefined;
  const unsubscribe = w.core.warp.subscribe((s) => {
    states.push(s);
    wake?.();
  });
  const next = (match: (s: WarpStateView) => boolean) =>
    new Promise<WarpStateView>((resolve) => {
      const look = () => {
        const found = states.find(match);
        if (found) resolve(found);
        else wake = look;
      };
      look();
    });
  return { next, unsubscribe };
}

describe('the WARP state view and the organization discovery reads', () => {
  it('a device in another organization: the view carries the mismatch sentence, from the cache, then from a refresh', async () => {
    const w = await startAppWorld({ clusters: 2 });
    world = w;
    // A CLI run before the app starts leaves the discovery cache the app starts from.
    const cli = await runCli(['clusters', '--refresh'], { env: w.env, homeDir: w.home });
    expect(cli.code).toBe(0);
    w.sim.warp.setState({ organization: 'other-team' });

    const feed = collect(w);
    const mismatch = await feed.next((s) => s.organizationMatch?.state === 'mismatch');
    expect(mismatch.organizationMatch).toEqual({
      state: 'mismatch',
      deviceTeam: 'other-team',
      discoveryTeams: ['demo-corp'],
      sentence: expect.stringContaining(
        'WARP is enrolled in Zero Trust organization "other-team", but the clusters come from account',
      ),
    });
    expect(WarpStateSchema.safeParse(mismatch).success).toBe(true);
    expect(w.core.warp.current().organizationMatch?.state).toBe('mismatch');

    // The token loses the Access permission: the next refresh still lists the clusters, and the
    // view says the comparison could not be made.
    w.sim.cloudflare.setLacking(['Access: Organizations, Identity Providers, and Groups Read']);
    const fleet = await w.core.refresh(() => {});
    expect(fleet.clusters.length).toBeGreaterThan(0);
    const unknown = await feed.next(
      (s) => s.organizationMatch?.state === 'unknown' && s.organizationMatch.sentence !== null,
    );
    expect(unknown.organizationMatch?.sentence).toContain('could not be checked');
    expect(unknown.organizationMatch?.sentence).toContain('Access: Organizations, Identity Providers, and Groups Read');
    feed.unsubscribe();
  });

  it('the demo world: the device is in the account organization, so the view says match and shows nothing', async () => {
    const w = await startAppWorld({ clusters: 2 });
    world = w;
    await w.core.refresh(() => {});
    const feed = collect(w);
    const state = await feed.next((s) => s.status === 'connected' && s.organization !== undefined);
    expect(state.organizationMatch).toEqual({
      state: 'match',
      deviceTeam: 'demo-corp',
      discoveryTeams: ['demo-corp'],
      sentence: null,
    });
    feed.unsubscribe();
  });
});
