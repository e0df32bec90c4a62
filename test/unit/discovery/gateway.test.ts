import type { GatewayRule } from 'cloudflare/resources/zero-trust/gateway/rules';
import { describe, expect, it } from 'vitest';
import { auditGateway, listKey, parseTraffic } from '../../../main/core/discovery/cloudflare/gateway.ts';
import { IpSet } from '../../../main/core/discovery/cloudflare/ip.ts';

const LIST_ID = '0b1c2d3e-4f50-4a61-b728-39404a5b6c7d';
const lists = new Map([[listKey(LIST_ID), ipSet('198.51.100.0/28', '2001:db8::101')]]);

function ipSet(...values: string[]): IpSet {
  const set = new IpSet();
  for (const v of values) set.add(v);
  return set;
}

describe('parseTraffic', () => {
  it.each([
    ['any(http.conn.dst_ip[*] in {198.51.100.101})', '198.51.100.101', 'yes'],
    ['any(http.conn.dst_ip[*] in {198.51.100.101 198.51.100.102})', '198.51.100.102', 'yes'],
    ['any(http.conn.dst_ip[*] in {198.51.100.101})', '198.51.100.103', 'no'],
    ['http.conn.dst_ip in {198.51.100.0/24}', '198.51.100.200', 'yes'],
    ['http.conn.dst_ip in {2001:db8::/64}', '2001:DB8:0:0::5', 'yes'],
    ['http.conn.dst_ip == 198.51.100.101', '198.51.100.101', 'yes'],
    ['http.conn.dst_ip eq 198.51.100.101', '198.51.100.102', 'no'],
    ['not http.conn.dst_ip in {198.51.100.101}', '198.51.100.101', 'no'],
    ['not http.conn.dst_ip in {198.51.100.101}', '198.51.100.9', 'yes'],
    [`any(http.conn.dst_ip[*] in $${LIST_ID})`, '198.51.100.5', 'yes'],
    [`any(http.conn.dst_ip[*] in $${LIST_ID.replaceAll('-', '')})`, '2001:db8::101', 'yes'],
    [`any(http.conn.dst_ip[*] in $${LIST_ID})`, '198.51.100.101', 'no'],
    ['any(http.conn.dst_ip[*] in $ffffffff-0000-0000-0000-000000000000)', '198.51.100.5', 'unknown'],
    ['http.request.host == "kubernetes.example"', '198.51.100.101', 'unknown'],
    ['any(http.conn.dst_ip[*] in {198.51.100.101}) or http.request.host == "x"', '198.51.100.101', 'yes'],
    ['any(http.conn.dst_ip[*] in {198.51.100.101}) and http.request.host == "x"', '198.51.100.101', 'unknown'],
    ['any(http.conn.dst_ip[*] in {198.51.100.101}) and http.request.host == "x"', '198.51.100.102', 'no'],
    ['(http.conn.dst_ip in {10.0.0.0/8} || http.conn.dst_ip in {198.51.100.101})', '198.51.100.101', 'yes'],
    [
      'any(http.request.uri.content_category[*] in {155}) or any(http.conn.dst_ip[*] in {198.51.100.101})',
      '198.51.100.101',
      'yes',
    ],
    ['lower(http.request.host) == "a" && http.conn.dst_ip in {198.51.100.101}', '198.51.100.101', 'unknown'],
    ['net.dst.ip in {198.51.100.101}', '198.51.100.101', 'unknown'],
    ['any(http.conn.dst_ip[*] in {198.51.100.101', '198.51.100.101', 'unknown'],
    ['', '198.51.100.101', 'unknown'],
  ])('%s with %s → %s', (expression, ip, verdict) => {
    expect(parseTraffic(expression).matches(ip, lists)).toBe(verdict);
  });

  it('reports the lists an expression refers to', () => {
    expect(parseTraffic(`any(http.conn.dst_ip[*] in $${LIST_ID}) or http.conn.dst_ip in $abc`).listRefs).toEqual([
      LIST_ID,
      'abc',
    ]);
  });
});

function rule(name: string, partial: Partial<GatewayRule>): GatewayRule {
  return { id: name, name, action: 'off', enabled: true, filters: ['http'], precedence: 1, traffic: '', ...partial };
}

describe('auditGateway', () => {
  const targets = [
    { cluster: 'a', ip: '198.51.100.5' },
    { cluster: 'b', ip: '198.51.100.101' },
    { cluster: 'c', ip: '198.51.100.200' },
  ];
  const listContents = [{ id: LIST_ID, name: 'Kubernetes API servers', values: ['198.51.100.0/28'] }];

  it('counts only enabled Do Not Inspect HTTP rules', () => {
    const audit = auditGateway(
      targets,
      [
        rule('via-list', { traffic: `any(http.conn.dst_ip[*] in $${LIST_ID})` }),
        rule('direct', { traffic: 'any(http.conn.dst_ip[*] in {198.51.100.101})' }),
        rule('disabled', { enabled: false, traffic: 'any(http.conn.dst_ip[*] in {198.51.100.200})' }),
        rule('inspect', { action: 'on', traffic: 'any(http.conn.dst_ip[*] in {198.51.100.200})' }),
        rule('dns', { filters: ['dns'], traffic: 'any(http.conn.dst_ip[*] in {198.51.100.200})' }),
        rule('conditional', { traffic: 'http.conn.dst_ip in {198.51.100.200} and http.request.host == "x"' }),
      ],
      listContents,
    );
    expect(audit).toEqual([
      {
        ip: '198.51.100.5',
        cluster: 'a',
        doNotInspect: true,
        coveredBy: [{ ruleId: 'via-list', ruleName: 'via-list', listId: LIST_ID, listName: 'Kubernetes API servers' }],
        uncertain: [],
      },
      {
        ip: '198.51.100.101',
        cluster: 'b',
        doNotInspect: true,
        coveredBy: [{ ruleId: 'direct', ruleName: 'direct' }],
        uncertain: [],
      },
      {
        ip: '198.51.100.200',
        cluster: 'c',
        doNotInspect: false,
        coveredBy: [],
        uncertain: [{ ruleId: 'conditional', ruleName: 'conditional' }],
      },
    ]);
  });

  it('no rules at all: nothing is covered', () => {
    expect(auditGateway(targets, [], []).every((a) => !a.doNotInspect && a.coveredBy.length === 0)).toBe(true);
  });
});
