import { describe, expect, it } from 'vitest';
import { deepLinkInArgv, parseDeepLink, resolveDeepLink } from '../../../main/app/deep-link.ts';
import { clusterView } from '../../electron/stand-in-domain.ts';

describe('parsing kubezt:// links', () => {
  it('reads the action and the name, decoded', () => {
    expect(parseDeepLink('kubezt://use/prod-us')).toEqual({ action: 'use', name: 'prod-us' });
    expect(parseDeepLink('kubezt://DIAGNOSE/prod-us/')).toEqual({ action: 'diagnose', name: 'prod-us' });
    expect(parseDeepLink('kubezt://use/arn%3Aaws%3Aeks')).toEqual({ action: 'use', name: 'arn:aws:eks' });
  });

  it('refuses anything else in one sentence', () => {
    for (const url of [
      'kubezt://use',
      'kubezt://use/a/b',
      'kubezt://use/a?then=delete',
      'kubezt://rm/a',
      'https://use/a',
      'kubezt://use/%E0%A4%A',
      `kubezt://use/${'a'.repeat(700)}`,
      'not a url',
    ]) {
      const r = parseDeepLink(url);
      expect('error' in r, url).toBe(true);
      if ('error' in r) expect(r.error, url).toMatch(/^[A-Za-z][^\n]*\.$/);
    }
  });

  it('finds the link among the arguments a second instance gets', () => {
    expect(deepLinkInArgv(['/usr/bin/kubezt', '--no-sandbox', 'KUBEZT://use/a'])).toBe('KUBEZT://use/a');
    expect(deepLinkInArgv(['/usr/bin/kubezt', '--hidden'])).toBeUndefined();
  });

  it('validates the name against the inventory, by cluster or context name', () => {
    const clusters = [clusterView('prod-us'), clusterView('lab', { context: null })];
    expect(resolveDeepLink('kubezt://use/zt-prod-us', clusters)).toEqual({
      view: 'clusters',
      event: { action: 'use', cluster: 'prod-us' },
    });
    expect(resolveDeepLink('kubezt://diagnose/lab', clusters)).toEqual({
      view: 'clusters',
      event: { action: 'diagnose', cluster: 'lab' },
    });
    expect(resolveDeepLink('kubezt://diagnose/gone', clusters).event.error).toMatch(/^No cluster named "gone"/);
  });
});
