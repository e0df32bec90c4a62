import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildClusters } from '../../main/core/discovery/cloudflare/clusters.ts';
import { discoverFromCloudflare } from '../../main/core/discovery/cloudflare/discover.ts';
import { auditGateway, parseTraffic } from '../../main/core/discovery/cloudflare/gateway.ts';
import {
  cleanGatewayRules,
  cleanRoutes,
  cleanTunnels,
  cleanVirtualNetworks,
} from '../../main/core/discovery/cloudflare/sanitize.ts';
import { isUserError } from '../../main/core/errors.ts';
import { CORPUS, fuzzParams, isOneSentence, PROPERTY_TIMEOUT_MS } from './fuzz.ts';
import { corpusTexts } from './mutate.ts';

/**
 * The Cloudflare response readers on hostile answers. The real SDK talks to a loopback server
 * that answers each endpoint with a recorded body (the shared corpus) whose JSON was mutated:
 * subtrees replaced by other JSON values, keys dropped, types changed, or the body broken.
 * Discovery returns its result or a UserError in one sentence, never another exception; the
 * pure readers (traffic expressions, cluster building, the Gateway audit) never throw.
 */

const bodies = new Map(
  corpusTexts(path.join(CORPUS, 'cloudflare-api'), /\.json$/).map(({ name, text }) => [name, text]),
);
if (bodies.size === 0) console.log(`cloudflare properties use built-in bodies: no corpus at ${CORPUS}/cloudflare-api`);
const body = (name: string, fallback: unknown) => bodies.get(name) ?? JSON.stringify(fallback);
const EMPTY_LIST = { success: true, errors: [], messages: [], result: [] };

/** Each endpoint kubezt calls, with a recorded answer as the seed of its mutations. */
const ENDPOINTS: { pattern: RegExp; seed: string }[] = [
  { pattern: /\/cfd_tunnel$/, seed: body('cfgo-v0-cfd_tunnel-list.json', EMPTY_LIST) },
  { pattern: /\/teamnet\/routes$/, seed: body('cfgo-v0-teamnet-routes-list.json', EMPTY_LIST) },
  { pattern: /\/teamnet\/virtual_networks$/, seed: body('cfgo-v0-teamnet-virtual_networks-list.json', EMPTY_LIST) },
  { pattern: /\/gateway\/lists$/, seed: body('cfgo-v0-gateway-lists-list.json', EMPTY_LIST) },
  { pattern: /\/gateway\/lists\/[^/]+\/items$/, seed: body('cfgo-v0-gateway-list-items.json', EMPTY_LIST) },
  { pattern: /\/gateway\/rules$/, seed: body('cfgo-v0-gateway-rules-list.json', EMPTY_LIST) },
  { pattern: /\/devices\/policy\/exclude$/, seed: body('cfgo-v0-devices-policy-exclude.json', EMPTY_LIST) },
  { pattern: /\/devices\/policy\/include$/, seed: body('cfgo-v0-devices-policy-include.json', EMPTY_LIST) },
];

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Every path to a value in `v`, the root first. */
function paths(v: Json, at: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(at);
  if (Array.isArray(v)) {
    for (const [i, x] of v.entries()) paths(x, [...at, i], out);
  } else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) paths(x, [...at, k], out);
  return out;
}

function setAt(root: Json, at: (string | number)[], value: Json | undefined): Json {
  if (at.length === 0) return value ?? null;
  const parent = at.slice(0, -1).reduce<Json>((node, k) => (node as Record<string, Json>)[k] as Json, root);
  const last = at.at(-1) as string | number;
  if (value === undefined) {
    if (Array.isArray(parent)) parent.splice(last as number, 1);
    else delete (parent as Record<string, Json>)[last];
  } else {
    (parent as Record<string | number, Json>)[last] = value;
  }
  return root;
}

const jsonMutation = fc.record({
  at: fc.nat(),
  op: fc.constantFrom('replace', 'delete', 'stringify'),
  value: fc.oneof(
    fc.jsonValue({ maxDepth: 3 }),
    fc.constantFrom(null, '', 'x'.repeat(5000), -1, 1e308, [], {}, '10.0.0.1/32', 'http.conn.dst_ip in {10.0.0.1}'),
  ),
});

/** A seed body with its JSON mutated, or (sometimes) a body that is not JSON at all. */
function mutatedBody(seed: string): fc.Arbitrary<string> {
  return fc
    .oneof(
      { weight: 8, arbitrary: fc.array(jsonMutation, { minLength: 1, maxLength: 5 }) },
      { weight: 1, arbitrary: fc.constantFrom('', 'not json', '{"success": true', '<html>502</html>', '[]', 'null') },
    )
    .map((ms) => {
      if (typeof ms === 'string') return ms;
      let doc = JSON.parse(seed) as Json;
      for (const m of ms) {
        const all = paths(doc);
        const at = all[m.at % all.length] as (string | number)[];
        doc = setAt(
          doc,
          at,
          m.op === 'delete' ? undefined : m.op === 'stringify' ? JSON.stringify(m.value) : (m.value as Json),
        );
      }
      return JSON.stringify(doc);
    });
}

describe('Cloudflare discovery on mutated API answers', () => {
  let answers: string[] = [];
  let server: http.Server;
  let baseURL = '';

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const i = ENDPOINTS.findIndex((e) => e.pattern.test(url.pathname));
      // Past page 1 every list is empty, as Cloudflare answers: the SDK stops on an empty page.
      const later = Number(url.searchParams.get('page') ?? '1') > 1;
      const text = i < 0 || later ? JSON.stringify(EMPTY_LIST) : (answers[i] ?? JSON.stringify(EMPTY_LIST));
      res.writeHead(200, { 'content-type': 'application/json' }).end(text);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/client/v4`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it(
    'discovery returns clusters or one UserError sentence',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.tuple(...ENDPOINTS.map((e) => mutatedBody(e.seed))), async (bodiesNow) => {
          answers = bodiesNow;
          try {
            const r = await discoverFromCloudflare({
              token: 'fuzz-token-0123456789abcdef',
              accountId: '0123456789abcdef0123456789abcdef',
              baseURL,
              retries: 0,
              sleep: async () => {},
            });
            for (const c of r.clusters) expect(c.name).toMatch(/^[a-z0-9-]+$/);
            for (const w of r.warnings) expect(w).not.toMatch(/[\n\r\u2028\u2029]/);
          } catch (e) {
            if (!isUserError(e)) throw e;
            expect(isOneSentence(e.message)).toBe(true);
          }
        }),
        fuzzParams(80),
      );
    },
    PROPERTY_TIMEOUT_MS,
  );
});

describe('Cloudflare pure readers on hostile values', () => {
  const anyJson = fc.jsonValue({ maxDepth: 3 });

  it(
    'traffic expressions: a verdict for any text, never an exception',
    () => {
      const expression = fc.oneof(
        fc.string({ maxLength: 200 }),
        fc
          .array(
            fc.constantFrom('http.conn.dst_ip in {10.0.0.1}', ' and ', ' or ', 'not ', '(', ')', '$list-1', '"', '{'),
            { maxLength: 400 },
          )
          .map((parts) => parts.join('')),
        fc.integer({ min: 1, max: 5000 }).map((n) => `${'not '.repeat(n)}http.conn.dst_ip == 10.0.0.1`),
        fc.integer({ min: 1, max: 5000 }).map((n) => `${'('.repeat(n)}http.conn.dst_ip == 10.0.0.1${')'.repeat(n)}`),
      );
      fc.assert(
        fc.property(expression, (text) => {
          const t = parseTraffic(text);
          expect(['yes', 'no', 'unknown']).toContain(t.matches('10.0.0.1', new Map()));
        }),
        fuzzParams(300),
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'clusters and the Gateway audit from items of any shape',
    () => {
      const item = fc.oneof(
        anyJson,
        fc.dictionary(
          fc.constantFrom(
            'id',
            'network',
            'tunnel_id',
            'comment',
            'name',
            'traffic',
            'filters',
            'enabled',
            'action',
            'deleted_at',
            'tunnel_name',
            'status',
            'virtual_network_id',
          ),
          anyJson,
        ),
      );
      fc.assert(
        fc.property(
          fc.array(item, { maxLength: 8 }),
          fc.array(item, { maxLength: 8 }),
          fc.array(item, { maxLength: 8 }),
          (routes, tunnels, rules) => {
            // As discovery reads them: every item through its check first (sanitize.ts).
            const built = buildClusters({
              routes: cleanRoutes(routes),
              tunnels: cleanTunnels(tunnels),
              virtualNetworks: cleanVirtualNetworks(routes),
              kubernetesListValues: ['10.0.0.1'],
            });
            auditGateway(
              built.clusters.flatMap((c) => c.ips.map((ip) => ({ cluster: c.name, ip }))),
              cleanGatewayRules(rules),
              [],
            );
            for (const w of built.warnings) expect(w).not.toMatch(/[\n\r\u2028\u2029]/);
          },
        ),
        fuzzParams(300),
      );
    },
    PROPERTY_TIMEOUT_MS,
  );
});
