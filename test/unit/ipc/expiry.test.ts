/**
 * One wording of a credential's expiry for the dashboard (through the IPC contract), the tray,
 * notifications and the CLI: the same pure function, not two copies held in step.
 */

import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { expiryPhrase as contractPhrase } from '../../../ipc/contract.ts';
import { expiryPhrase as corePhrase, formatExpiry } from '../../../main/core/probe/credential-expiry.ts';
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
