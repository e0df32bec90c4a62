import { describe, expect, it } from 'vitest';
import { parseTrace } from '../../../main/core/warp/index.ts';
import { fixtureText } from './fixtures.ts';

describe('trace parser on recorded bodies', () => {
  it('warp=on, gateway=off, every key kept', () => {
    const t = parseTrace(fixtureText('trace', 'trace-warp-on.txt'));
    expect(t.warp).toBe('on');
    expect(t.gateway).toBe('off');
    expect(Object.keys(t.fields)).toEqual([
      'fl',
      'h',
      'ip',
      'ts',
      'visit_scheme',
      'uag',
      'colo',
      'sliver',
      'http',
      'loc',
      'tls',
      'sni',
      'warp',
      'gateway',
      'rbi',
      'kex',
    ]);
    expect(t.fields.colo).toBe('NRT');
  });
  it('warp=plus, gateway=on, CRLF line ends', () => {
    const t = parseTrace(fixtureText('trace', 'trace-warp-plus-gateway-on.txt'));
    expect([t.warp, t.gateway]).toEqual(['plus', 'on']);
    expect(t.fields.ip).toBe('2606:4700:110:8a36::1');
  });
  it('warp=off', () => {
    expect(parseTrace(fixtureText('trace', 'trace-warp-off.txt')).warp).toBe('off');
  });
  it('an HTML block page has neither', () => {
    const t = parseTrace(fixtureText('trace', 'trace-blocked-html.txt'));
    expect([t.warp, t.gateway]).toEqual([null, null]);
  });
});
