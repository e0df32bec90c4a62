/**
 * The dashboard's WARP banner shows the organization check's sentence (rendered with
 * react-dom/server, as the other renderer unit tests are): a mismatch as an alert, an unchecked
 * comparison as a notice, nothing on a match. WARP being down keeps its own banner first.
 */
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { KubeztApi, WarpStateView } from '../../../ipc/contract.ts';
import { ApiContext } from '../../../renderer/src/api.ts';
import { WarpBanner } from '../../../renderer/src/components/WarpBanner.tsx';
import { warpState } from '../../electron/stand-in-domain.ts';

const SENTENCE =
  'WARP is enrolled in Zero Trust organization "other-team", but the clusters come from account 0123 (organization "acme"): the routes are reachable only from devices enrolled in "acme"; re-enroll with "warp-cli registration new acme" or ask your Zero Trust admin.';

const CONNECTED: WarpStateView = { ...warpState('connected'), organization: 'other-team' };

function render(warp: WarpStateView): string {
  const api = {} as KubeztApi;
  return renderToStaticMarkup(createElement(ApiContext.Provider, { value: api }, createElement(WarpBanner, { warp })));
}

describe('WarpBanner and the organization check', () => {
  it('a mismatch: the sentence, as an alert', () => {
    const html = render({
      ...CONNECTED,
      organizationMatch: { state: 'mismatch', deviceTeam: 'other-team', discoveryTeams: ['acme'], sentence: SENTENCE },
    });
    expect(html).toContain('role="alert"');
    expect(html).toContain('WARP is enrolled in Zero Trust organization &quot;other-team&quot;');
  });

  it('could not be checked: the sentence, as a status notice', () => {
    const html = render({
      ...CONNECTED,
      organizationMatch: {
        state: 'unknown',
        deviceTeam: 'other-team',
        discoveryTeams: [],
        sentence: 'could not be checked',
      },
    });
    expect(html).toContain('role="status"');
    expect(html).toContain('could not be checked');
  });

  it('a match shows nothing; WARP disconnected shows its own banner', () => {
    expect(
      render({
        ...CONNECTED,
        organizationMatch: { state: 'match', deviceTeam: 'acme', discoveryTeams: ['acme'], sentence: null },
      }),
    ).toBe('');
    const down = render({
      ...CONNECTED,
      status: 'disconnected',
      organizationMatch: { state: 'mismatch', deviceTeam: 'other-team', discoveryTeams: ['acme'], sentence: SENTENCE },
    });
    expect(down).toContain('WARP is disconnected');
    expect(down).not.toContain('other-team');
  });
});
