/**
 * One wording of a credential's expiry for the dashboard (through the IPC contract), the tray,
 * notifications and the CLI: the same pure function, not two copies held in step.
 */

import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { expiryPhrase as contractPhrase, expiryState as contractState } from '../../../ipc/contract.ts';
import {
  expiryPhrase as corePhrase,
  expiryState as coreState,
  EXPIRING_WITHIN_MS,
  formatExpiry,
} from '../../../main/core/probe/credential-expiry.ts';
import { Expiry } from '../../../renderer/src/components/Expiry.tsx';

const NOW = new Date('2026-06-01T12:00:00Z');
const at = (ms: number) => new Date(NOW.getTime() + ms).toISOString();

describe('expiryPhrase', () => {
  it('is the one function behind the contract and the core', () => {
    expect(contractPhrase).toBe(corePhrase);
  });

  it('words each kind, ahead and past, and the dashboard shows that phrase', () => {
    const cases = [
      [{ kind: 'client-certificate', expiresAt: at(3 * 86_400_000 + 5_000) }, 'certificate expires in 3 days'],
      [{ kind: 'token', expiresAt: at(-2 * 3_600_000 - 60_000) }, 'token expired 2 hours ago'],
      [{ kind: 'exec', expiresAt: at(45 * 60_000) }, 'exec credential expires in 45 minutes'],
    ] as const;
    for (const [expiry, phrase] of cases) {
      expect(contractPhrase(expiry, NOW)).toBe(phrase);
      expect(renderToStaticMarkup(createElement(Expiry, { expiry, now: NOW }))).toContain(`>${phrase}</span>`);
    }
    expect(formatExpiry(at(30_000), NOW)).toBe('expires in less than a minute');
  });
});

describe('expiryState', () => {
  it("is the core's rule, and the dashboard's colour follows it (an exec plugin renews its own: no warning colour)", () => {
    expect(contractState).toBe(coreState);
    const tone = (expiry: { kind: 'client-certificate' | 'token' | 'exec'; expiresAt: string }) =>
      /expiry-(\w+)/.exec(renderToStaticMarkup(createElement(Expiry, { expiry, now: NOW })))?.[1];
    const soon = at(EXPIRING_WITHIN_MS - 60_000);
    const later = at(EXPIRING_WITHIN_MS + 60_000);
    expect(coreState({ expiresAt: soon }, NOW)).toBe('expiring');
    expect(coreState({ expiresAt: later }, NOW)).toBe('valid');
    expect(coreState({ expiresAt: at(0) }, NOW)).toBe('expired');
    expect(tone({ kind: 'token', expiresAt: soon })).toBe('expiring');
    expect(tone({ kind: 'client-certificate', expiresAt: later })).toBe('valid');
    expect(tone({ kind: 'exec', expiresAt: soon })).toBe('valid');
    expect(tone({ kind: 'exec', expiresAt: at(-1_000) })).toBe('expired');
  });
});
