import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createKubeztClient,
  EVENT_NAMES,
  events,
  KubeztError,
  REQUEST_NAMES,
  requests,
  toIpcError,
} from '../../ipc/contract.ts';
import { createAppServices } from '../../main/app/services.ts';
import { createStandInDomain } from '../electron/stand-in-domain.ts';
import { recordingAppHost } from '../helpers/app-host.ts';
import { fuzzParams, PROPERTY_TIMEOUT_MS } from './fuzz.ts';

/**
 * The IPC payload readers on hostile payloads: whatever a compromised renderer sends (anything
 * structured clone can carry: odd keys, deep nesting, Maps, typed arrays, huge strings), main's
 * request handler answers with an envelope, an `invalid-request` one in one line at worst, and
 * never throws; the renderer's client turns any answer into a value or a KubeztError.
 */

const payload = fc.oneof(
  fc.anything({
    key: fc.oneof(fc.string(), fc.constantFrom('__proto__', 'constructor', 'names', 'name', 'format', 'a\nb')),
    maxDepth: 4,
    withBigInt: true,
    withDate: true,
    withMap: true,
    withSet: true,
    withTypedArray: true,
    withNullPrototype: true,
    withSparseArray: true,
  }),
  fc.integer({ min: 1, max: 3000 }).map((n) => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < n; i++) deep = i % 2 ? [deep] : { names: deep };
    return deep;
  }),
  fc.constantFrom({ names: Array(6000).fill('a') }, { name: 'x'.repeat(100_000) }, { format: 'json', extra: 1 }),
  // Keys the schemas do not know, with control characters, next to the keys they do know.
  fc
    .tuple(fc.string({ unit: 'binary', maxLength: 8 }), fc.constantFrom('\n', '\r', '\u2028', '\u0000'))
    .map(([k, c]) => ({ format: 'json', name: 'a', [`${k}${c}${k}`]: 1 })),
);

describe('IPC payloads from a hostile renderer', () => {
  const work = mkdtempSync(path.join(tmpdir(), 'kubezt-ipc-prop-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  const standIn = createStandInDomain(path.join(work, 'config'));
  const services = createAppServices(standIn.core, recordingAppHost().host, {
    log: () => {},
    setTimer: () => () => {},
  });

  it(
    'every request channel answers an envelope; a refusal is one line',
    async () => {
      const name = fc.oneof(fc.constantFrom(...REQUEST_NAMES), fc.string({ maxLength: 20 }));
      await fc.assert(
        fc.asyncProperty(name, payload, async (n, p) => {
          const envelope = await services.handle(n, p);
          if (envelope.ok) return;
          expect(envelope.error.message).not.toMatch(/[\n\r\u2028\u2029]/);
          expect(envelope.error.message.length).toBeLessThanOrEqual(2_000);
        }),
        fuzzParams(400),
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'request and event schemas take any value without throwing',
    () => {
      fc.assert(
        fc.property(payload, (p) => {
          for (const n of REQUEST_NAMES) requests[n].request.safeParse(p);
          for (const n of EVENT_NAMES) events[n].safeParse(p);
        }),
        fuzzParams(200),
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    "the renderer's client turns any answer into a value or a KubeztError",
    async () => {
      await fc.assert(
        fc.asyncProperty(payload, fc.constantFrom(...REQUEST_NAMES), async (answer, n) => {
          const client = createKubeztClient({ invoke: async () => answer, on: () => () => {} });
          try {
            await (client[n] as (r?: unknown) => Promise<unknown>)(undefined);
          } catch (e) {
            expect(e).toBeInstanceOf(KubeztError);
          }
          const err = toIpcError(answer);
          expect(typeof err.code).toBe('string');
          expect(typeof err.message).toBe('string');
        }),
        fuzzParams(300),
      );
    },
    PROPERTY_TIMEOUT_MS,
  );
});
