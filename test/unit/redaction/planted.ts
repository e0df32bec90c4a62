/**
 * Kubeconfigs with secrets planted in their users, in every YAML style a person or a tool may
 * write: plain, single- and double-quoted, block literal and folded scalars (multi-line too),
 * flow and block mappings and sequences, quoted keys, anchors and aliases, `auth-provider`
 * config, exec args and env values, unknown fields, comments beside them (and credentials
 * commented out), CRLF line ends. For the redaction property tests.
 */
import fc from 'fast-check';
import { Document, type Node, Scalar, YAMLMap, YAMLSeq } from 'yaml';

/**
 * fast-check settings: a fixed seed and a time budget in CI; KUBEZT_PROPERTY_SEED,
 * KUBEZT_PROPERTY_RUNS and KUBEZT_PROPERTY_TIME_MS run a property longer or differently. The
 * test's own timeout is the budget plus `slackMs` (the run in progress, then shrinking).
 */
export function propertyRuns(defaultRuns: number, defaultTimeMs: number, slackMs = 60_000) {
  const env = process.env;
  const timeMs = Number(env.KUBEZT_PROPERTY_TIME_MS ?? defaultTimeMs);
  return {
    settings: {
      seed: Number(env.KUBEZT_PROPERTY_SEED ?? 42),
      numRuns: Number(env.KUBEZT_PROPERTY_RUNS ?? defaultRuns),
      plugins: [fc.interruptAfterTimeLimit(timeMs)],
    },
    testTimeoutMs: timeMs + slackMs,
  };
}

export interface PlantedKubeconfig {
  text: string;
  /** Values kubezt reads (parsed), each of which must never come out. */
  secrets: string[];
  /** Credentials that only sit in comments: the diff must not show them either. */
  commented: string[];
  /** The contexts, one per user, in order. */
  contexts: string[];
}

export interface PlantOptions {
  /** The clusters the contexts point at, round robin. */
  clusters: { name: string; server: string; caData?: string }[];
  /** The exec plugin's command. */
  plugin: string;
  /** Mark the contexts as kubezt's (the app lists only those), each for its own cluster name. */
  managed?: boolean;
}

type ScalarStyle = 'PLAIN' | 'QUOTE_SINGLE' | 'QUOTE_DOUBLE' | 'BLOCK_LITERAL' | 'BLOCK_FOLDED';

const PLAIN_CHARS = [...'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789', '-', '_', '.', '+', '/', '='];
const RICH_CHARS = [
  ...PLAIN_CHARS,
  ' ',
  '#',
  ':',
  '"',
  "'",
  '\\',
  '{',
  '}',
  ',',
  '[',
  ']',
  '|',
  '!',
  '%',
  '@',
  '&',
  '*',
  'é',
  '€',
];

/** A secret: starts and ends with letters (no YAML 1.1 number or boolean, no edge spaces). */
const secret = (chars: string[]) =>
  fc
    .tuple(fc.string({ unit: fc.constantFrom(...chars), minLength: 10, maxLength: 30 }), fc.nat(999))
    .map(([body, n]) => `kz${body}Q${n}`);

const base64Secret = fc.uint8Array({ minLength: 24, maxLength: 60 }).map((b) => Buffer.from(b).toString('base64'));

interface Plant {
  value: string;
  style: ScalarStyle;
}

const plant = (kind: 'text' | 'base64' = 'text'): fc.Arbitrary<Plant> =>
  fc.oneof(
    fc.record({
      value: kind === 'base64' ? base64Secret : secret(PLAIN_CHARS),
      style: fc.constantFrom<ScalarStyle>('PLAIN', 'QUOTE_SINGLE', 'QUOTE_DOUBLE', 'BLOCK_LITERAL', 'BLOCK_FOLDED'),
    }),
    fc.record({
      value: kind === 'base64' ? base64Secret : secret(RICH_CHARS),
      style: fc.constantFrom<ScalarStyle>('QUOTE_SINGLE', 'QUOTE_DOUBLE', 'BLOCK_LITERAL'),
    }),
    // A multi-line block literal (a certificate's shape): each line is a secret.
    fc.record({
      value:
        kind === 'base64'
          ? base64Secret.map((b) => `${(b.match(/.{1,16}/g) ?? [b]).join('\n')}\n`)
          : fc.array(secret(PLAIN_CHARS), { minLength: 2, maxLength: 3 }).map((l) => `${l.join('\n')}\n`),
      style: fc.constant<ScalarStyle>('BLOCK_LITERAL'),
    }),
  );

const keyStyle = fc.constantFrom<ScalarStyle>('PLAIN', 'PLAIN', 'QUOTE_SINGLE', 'QUOTE_DOUBLE');

const userShape = fc.record({
  kind: fc.constantFrom('token', 'basic', 'certificate', 'auth-provider', 'exec', 'exec'),
  token: plant(),
  password: plant(),
  certData: plant('base64'),
  keyData: plant('base64'),
  providerSecrets: fc.array(plant(), { minLength: 1, maxLength: 3 }),
  args: fc.array(fc.tuple(fc.constantFrom('--client-secret', '--token=', '--password', ''), plant()), {
    minLength: 1,
    maxLength: 3,
  }),
  env: fc.array(plant(), { maxLength: 3 }),
  custom: fc.option(plant(), { nil: undefined }),
  keyStyle,
  flowUser: fc.boolean(),
  flowArgs: fc.boolean(),
  comment: fc.constantFrom('none', 'note', 'commented-out', 'trailing'),
  commentedSecret: secret(PLAIN_CHARS),
  anchorToken: fc.boolean(),
});

type UserShape = typeof userShape extends fc.Arbitrary<infer T> ? T : never;

export const plantedShape = fc.record({
  users: fc.array(userShape, { minLength: 1, maxLength: 3 }),
  crlf: fc.boolean(),
  indentSeq: fc.boolean(),
});

export type PlantedShape = typeof plantedShape extends fc.Arbitrary<infer T> ? T : never;

function scalar(p: Plant, out: string[], flow: boolean): Scalar {
  const s = new Scalar(p.value);
  // Block scalars cannot sit inside a flow collection.
  s.type = flow && p.style.startsWith('BLOCK') ? 'QUOTE_DOUBLE' : p.style;
  out.push(...(p.value.includes('\n') ? p.value.split('\n').filter((l) => l !== '') : [p.value]));
  return s;
}

function key(name: string, style: ScalarStyle): Scalar {
  const k = new Scalar(name);
  k.type = style;
  return k;
}

function map(entries: [string, Node | string | boolean][], style: ScalarStyle, flow: boolean): YAMLMap {
  const m = new YAMLMap();
  m.flow = flow;
  for (const [k, v] of entries) m.add({ key: key(k, style), value: v instanceof Object ? v : new Scalar(v) });
  return m;
}

function userNode(u: UserShape, plugin: string, secrets: string[], anchors: Map<string, Scalar>): YAMLMap {
  const flow = u.flowUser;
  const entries: [string, Node | string | boolean][] = [];
  switch (u.kind) {
    case 'token': {
      const token = scalar(u.token, secrets, flow);
      if (u.anchorToken) anchors.set('token', token);
      entries.push(['token', token]);
      break;
    }
    case 'basic':
      entries.push(['username', 'admin'], ['password', scalar(u.password, secrets, flow)]);
      break;
    case 'certificate':
      entries.push(
        ['client-certificate-data', scalar(u.certData, secrets, flow)],
        ['client-key-data', scalar(u.keyData, secrets, flow)],
      );
      break;
    case 'auth-provider': {
      const names = ['client-secret', 'id-token', 'refresh-token'];
      const config = map(
        u.providerSecrets.map((p, i) => [names[i] ?? `extra-${i}`, scalar(p, secrets, flow)]),
        u.keyStyle,
        flow,
      );
      entries.push([
        'auth-provider',
        map(
          [
            ['name', 'oidc'],
            ['config', config],
          ],
          u.keyStyle,
          flow,
        ),
      ]);
      break;
    }
    default: {
      const args = new YAMLSeq();
      args.flow = flow || u.flowArgs;
      args.add(new Scalar('get-token'));
      for (const [flag, p] of u.args) {
        if (flag === '--token=') {
          const value = p.value.replace(/\n/g, '');
          args.add(scalar({ value: `--token=${value}`, style: 'QUOTE_DOUBLE' }, secrets, true));
          secrets.push(value);
          continue;
        }
        if (flag) args.add(new Scalar(flag));
        args.add(scalar(p, secrets, args.flow));
      }
      const env = new YAMLSeq();
      env.flow = flow;
      u.env.forEach((p, i) => {
        env.add(
          map(
            [
              ['name', `KZ_ENV_${i}`],
              ['value', scalar(p, secrets, flow)],
            ],
            u.keyStyle,
            flow,
          ),
        );
      });
      const exec: [string, Node | string | boolean][] = [
        ['apiVersion', 'client.authentication.k8s.io/v1'],
        ['command', plugin],
        ['args', args],
        ['interactiveMode', 'Never'],
        ['provideClusterInfo', false],
        ['installHint', 'Install the plugin first.'],
      ];
      if (u.env.length > 0) exec.push(['env', env]);
      entries.push(['exec', map(exec, u.keyStyle, flow)]);
    }
  }
  if (u.custom) entries.push(['x-custom-field', scalar(u.custom, secrets, flow)]);
  const node = map(entries, u.keyStyle, flow);
  const first = node.items[0]?.key as Scalar | undefined;
  if (first && u.comment === 'note') first.commentBefore = ' issued by the platform team';
  if (first && u.comment === 'commented-out') first.commentBefore = ` token: ${u.commentedSecret}`;
  if (u.comment === 'trailing') node.comment = ' rotated monthly';
  return node;
}

/** Builds the kubeconfig text; `anchorToken` makes a later token user an alias of the first. */
export function plantKubeconfig(shape: PlantedShape, opts: PlantOptions): PlantedKubeconfig {
  const doc = new Document();
  const secrets: string[] = [];
  const commented: string[] = [];
  const contexts: string[] = [];
  const clusters = new YAMLSeq();
  const contextSeq = new YAMLSeq();
  const users = new YAMLSeq();
  const anchors = new Map<string, Scalar>();
  opts.clusters.forEach((c) => {
    const cluster: [string, string][] = [['server', c.server]];
    if (c.caData) cluster.push(['certificate-authority-data', c.caData]);
    clusters.add(
      map(
        [
          ['name', c.name],
          ['cluster', map(cluster, 'PLAIN', false)],
        ],
        'PLAIN',
        false,
      ),
    );
  });
  shape.users.forEach((u, i) => {
    const name = `leak-${i}`;
    const cluster = opts.clusters[i % opts.clusters.length]?.name ?? 'none';
    contexts.push(name);
    const inner: [string, Node | string | boolean][] = [
      ['cluster', cluster],
      ['user', name],
    ];
    if (opts.managed) {
      const ext = map(
        [
          ['managed', true],
          ['cluster', name],
        ],
        'PLAIN',
        false,
      );
      const extensions = new YAMLSeq();
      extensions.add(
        map(
          [
            ['name', 'kubezt'],
            ['extension', ext],
          ],
          'PLAIN',
          false,
        ),
      );
      inner.push(['extensions', extensions]);
    }
    contextSeq.add(
      map(
        [
          ['name', name],
          ['context', map(inner, 'PLAIN', false)],
        ],
        'PLAIN',
        false,
      ),
    );
    let user = userNode(u, opts.plugin, secrets, anchors);
    if (u.kind === 'token' && u.anchorToken && i > 0) {
      const first = [...anchors.values()][0];
      if (first && first !== user.get('token', true)) {
        first.anchor = 'shared-token';
        user = map([['token', doc.createAlias(first, 'shared-token')]], u.keyStyle, u.flowUser);
      }
    }
    if (u.comment === 'commented-out') commented.push(u.commentedSecret);
    users.add(
      map(
        [
          ['name', name],
          ['user', user],
        ],
        'PLAIN',
        false,
      ),
    );
  });
  doc.contents = map(
    [
      ['apiVersion', 'v1'],
      ['kind', 'Config'],
      ['clusters', clusters],
      ['contexts', contextSeq],
      ['users', users],
      ['current-context', contexts[0] ?? ''],
    ],
    'PLAIN',
    false,
  ) as unknown as typeof doc.contents;
  let text = doc.toString({ lineWidth: 0, indentSeq: shape.indentSeq });
  if (shape.crlf) text = text.replace(/\n/g, '\r\n');
  return { text, secrets: [...new Set(secrets)], commented, contexts };
}

/** Each secret with another value (same style), for diffs where credentials change. */
export function rotated(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) out = out.split(s).join(`${s.slice(0, 2)}R${s.slice(2)}`);
  return out;
}
