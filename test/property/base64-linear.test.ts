/**
 * The linear base64 check the fast kubeconfig reader uses (isBase64) accepts exactly what the
 * reference pattern (BASE64, Go's StdEncoding after dropping CR/LF) accepts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BASE64, isBase64 } from '../../main/core/kubeconfig/types.ts';

const reference = (s: string) => BASE64.test(s.replace(/[\r\n]/g, ''));
const alphabet = fc.constantFrom(...'ABCabc019+/=\r\n-_ .'.split(''));

describe('isBase64', () => {
  it('agrees with BASE64 on near-base64 strings and on real encodings', () => {
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 24 }), (chars) => {
        const s = chars.join('');
        expect(isBase64(s)).toBe(reference(s));
      }),
      { numRuns: 20000, seed: 14 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.nat(80), (bytes, wrap) => {
        const b64 = Buffer.from(bytes).toString('base64');
        const wrapped = wrap > 0 ? b64.replace(new RegExp(`.{${wrap}}`, 'g'), '$&\n') : b64;
        expect(isBase64(wrapped)).toBe(true);
        expect(reference(wrapped)).toBe(true);
      }),
      { numRuns: 2000, seed: 14 },
    );
  });

  it('refuses the cases the groups of four exist for', () => {
    for (const s of ['A', 'AB', 'ABC', 'A===', '====', 'AB=C', 'ABCDE===', '=ABC', 'AB==AB==']) {
      expect([s, isBase64(s)]).toEqual([s, false]);
      expect(reference(s)).toBe(false);
    }
  });
});
