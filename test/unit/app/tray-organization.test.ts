import { describe, expect, it } from 'vitest';
import type { WarpStateView } from '../../../ipc/contract.ts';
import { warpProfileItems } from '../../../main/app/tray-model.ts';
import { warpState } from '../../electron/stand-in-domain.ts';

const BASE: WarpStateView = { ...warpState('connected'), organization: 'other-team' };

const labels = (warp: WarpStateView) => warpProfileItems(warp).map((i) => ('label' in i ? i.label : ''));

describe('the tray organization line', () => {
  it('flags a device enrolled in another organization than the clusters', () => {
    const warp: WarpStateView = {
      ...BASE,
      organizationMatch: {
        state: 'mismatch',
        deviceTeam: 'other-team',
        discoveryTeams: ['acme'],
        sentence: 'WARP is enrolled in Zero Trust organization "other-team", but …',
      },
    };
    expect(labels(warp)).toContain("⚠ Organization: other-team, not the clusters' acme");
  });

  it('stays plain on a match, and when nothing was compared', () => {
    const match: WarpStateView = {
      ...BASE,
      organization: 'acme',
      organizationMatch: { state: 'match', deviceTeam: 'acme', discoveryTeams: ['acme'], sentence: null },
    };
    expect(labels(match)).toContain('Organization: acme');
    expect(labels(BASE)).toContain('Organization: other-team');
  });
});
