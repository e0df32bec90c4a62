import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ACCESS_ORGANIZATION_PERMISSION,
  type DiscoveryTeam,
  matchOrganization,
  normalizeTeam,
} from '../../../main/core/warp/organization-match.ts';

const ACME: DiscoveryTeam = { accountId: '0123456789abcdef0123456789abcdef', accountName: 'Acme', team: 'acme' };
const BETA: DiscoveryTeam = { accountId: 'fedcba9876543210fedcba9876543210', team: 'beta' };

describe('matchOrganization', () => {
  it('nothing to compare without a Cloudflare account (catalog-only clusters)', () => {
    expect(matchOrganization('acme', [])).toBeNull();
  });

  it('matches case-insensitively, with or without the cloudflareaccess.com suffix', () => {
    expect(matchOrganization('ACME', [ACME])).toEqual({
      state: 'match',
      deviceTeam: 'acme',
      discoveryTeams: ['acme'],
      sentence: null,
    });
    expect(matchOrganization('acme', [{ ...ACME, team: 'Acme.cloudflareaccess.com' }])?.state).toBe('match');
  });

  it('a mismatch is one sentence naming both organizations, the account and the fix', () => {
    const m = matchOrganization('other-team', [ACME]);
    expect(m).toEqual({
      state: 'mismatch',
      deviceTeam: 'other-team',
      discoveryTeams: ['acme'],
      sentence:
        'WARP is enrolled in Zero Trust organization "other-team", but the clusters come from account "Acme" (organization "acme"): the routes are reachable only from devices enrolled in "acme"; re-enroll with "warp-cli registration new acme" or ask your Zero Trust admin.',
    });
  });

  it('several accounts: a device in any of them matches; in none, every account is named', () => {
    expect(matchOrganization('beta', [ACME, BETA])?.state).toBe('match');
    const m = matchOrganization('gamma', [ACME, BETA]);
    expect(m?.state).toBe('mismatch');
    expect(m?.sentence).toContain('account "Acme" (organization "acme") and account fedcba9876543210fedcba9876543210');
    expect(m?.sentence).toContain('enrolled in one of "acme" and "beta"');
  });

  it('a token without the Access permission: could not be checked, naming the permission', () => {
    const m = matchOrganization('acme', [{ accountId: ACME.accountId, team: null, unknownBecause: 'permission' }]);
    expect(m?.state).toBe('unknown');
    expect(m?.sentence).toContain('could not be checked');
    expect(m?.sentence).toContain(ACCESS_ORGANIZATION_PERMISSION);
  });

  it('an account whose team is unknown keeps a non-matching device from being called a mismatch', () => {
    const m = matchOrganization('gamma', [ACME, { accountId: BETA.accountId, team: null, unknownBecause: 'not-read' }]);
    expect(m?.state).toBe('unknown');
    expect(m?.sentence).toContain('could not be checked');
    expect(matchOrganization('acme', [ACME, { accountId: BETA.accountId, team: null }])?.state).toBe('match');
  });

  it('WARP reporting no team: nothing to compare (the WARP state says why)', () => {
    expect(matchOrganization(null, [ACME])).toBeNull();
    expect(matchOrganization(undefined, [ACME])).toBeNull();
    expect(matchOrganization('  ', [ACME])).toBeNull();
  });

  const team = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,20}$/);
  const caseOf = (s: string, flips: boolean[]) =>
    [...s].map((ch, i) => (flips[i % Math.max(1, flips.length)] ? ch.toUpperCase() : ch)).join('');

  it('property: a device whose team is among the read teams, in any case, always matches', () => {
    fc.assert(
      fc.property(
        fc.array(team, { minLength: 1, maxLength: 5 }),
        fc.nat(),
        fc.array(fc.boolean()),
        (teams, i, flips) => {
          const accounts = teams.map((t, n) => ({ accountId: String(n).padStart(32, '0'), team: t }));
          const device = caseOf(teams[i % teams.length] as string, flips);
          expect(matchOrganization(device, accounts)?.state).toBe('match');
        },
      ),
    );
  });

  it('property: with every team read, the state is match exactly when the device is one of them', () => {
    fc.assert(
      fc.property(fc.array(team, { minLength: 1, maxLength: 5 }), team, (teams, device) => {
        const accounts = teams.map((t, n) => ({ accountId: String(n).padStart(32, '0'), team: t }));
        const m = matchOrganization(device, accounts);
        expect(m?.state).toBe(teams.includes(device) ? 'match' : 'mismatch');
        expect(m?.sentence === null).toBe(m?.state === 'match');
        if (m?.sentence) expect(m.sentence.split('\n')).toHaveLength(1);
      }),
    );
  });

  it('normalizeTeam', () => {
    expect(normalizeTeam(' Acme.CloudflareAccess.com ')).toBe('acme');
    expect(normalizeTeam('')).toBeNull();
    expect(normalizeTeam(null)).toBeNull();
  });
});
