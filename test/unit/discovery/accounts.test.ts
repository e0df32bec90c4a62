import { describe, expect, it } from 'vitest';
import { chooseAccount, describeAccounts } from '../../../main/core/discovery/cloudflare/accounts.ts';

const one = { id: 'a'.repeat(32), name: 'Platform' };
const two = { id: 'b'.repeat(32), name: 'Sandbox' };

describe('chooseAccount: the account decision shared by kubezt login and the app', () => {
  it.each([
    ['the only account', [one], undefined, { kind: 'chosen', account: one }],
    ['the account asked for, in any case', [one, two], 'B'.repeat(32), { kind: 'chosen', account: two }],
    ['an id on trust when the token cannot list', null, one.id, { kind: 'chosen', account: { id: one.id } }],
    ['an id the token cannot use', [one], two.id, { kind: 'not-accessible', wanted: two.id, accounts: [one] }],
    ['no account at all', [], undefined, { kind: 'none' }],
    ['several and none asked for', [one, two], undefined, { kind: 'several', accounts: [one, two] }],
  ] as const)('%s', (_label, accounts, wanted, expected) => {
    expect(chooseAccount(accounts, wanted)).toEqual(expected);
  });

  it('names accounts for messages', () => {
    expect(describeAccounts([one, two])).toBe(`Platform (${one.id}), Sandbox (${two.id})`);
    expect(describeAccounts([])).toBe('no account');
  });
});
