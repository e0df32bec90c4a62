/**
 * Hostile files, generated at a chosen size: the shapes that made kubezt's readers quadratic or
 * cubic, for the regression tests (test/unit/hostile, test/integration/hostile) and the timing
 * bench (bench/hostile/run.ts). Nothing here is committed as a fixture: the files are cheap to make.
 */

/**
 * The reported catalog: one small cluster anchored, then a flow list of `n` aliases to it. At
 * n = 20,000 it weighs about 80 KB; each alias made the reader walk the whole document.
 */
export function aliasFanCatalog(n: number): string {
  return `base: &c {name: prod, ip: 198.51.100.7}\nclusters: [${Array(n).fill('*c').join(', ')}]\n`;
}

/**
 * A catalog whose `n` aliases each repeat a cluster carrying a long CA: what they repeat passes
 * the 4 MiB alias cap from about n = 2,000 on.
 */
export function heavyAliasCatalog(n: number): string {
  const ca = 'A'.repeat(2048);
  return `base: &c {name: prod, ip: 198.51.100.7, certificateAuthorityData: ${ca}}\nclusters: [${Array(n).fill('*c').join(', ')}]\n`;
}

/**
 * The reported kubeconfig shape: `users` users whose `as-groups` is an alias of one list of
 * `groups` aliases of a scalar, and contexts written with YAML merge keys (`<<: *ctx`), the way
 * people who use anchors write them. Merge keys send `kubezt use` to the full parser, whose shape
 * checks followed every alias (walking the whole document each time): cubic in the file.
 * `pad` plain contexts keep kubectl's alias ratio low enough for kubectl to accept the file.
 */
export function aliasGroupsKubeconfig(users: number, groups: number, pad = 0): string {
  const lines = [
    'apiVersion: v1',
    'kind: Config',
    'current-context: ctx-0',
    'x-group: &s developers',
    `x-groups: &g [${Array(groups).fill('*s').join(', ')}]`,
    'x-context: &ctx {cluster: c0, namespace: default}',
    'clusters:',
    '- name: c0',
    '  cluster: {server: "https://198.51.100.7:6443"}',
    'contexts:',
  ];
  for (let i = 0; i < Math.max(1, pad); i++) {
    lines.push(`- name: ctx-${i}`, '  context:', '    <<: *ctx', `    user: u${i % Math.max(1, users)}`);
  }
  lines.push('users:');
  for (let i = 0; i < users; i++) lines.push(`- name: u${i}`, '  user: {as-groups: *g}');
  return `${lines.join('\n')}\n`;
}

/** The 46 KB kubeconfig kubectl accepts (below its alias ratio) that took the old reader seconds. */
export const ACCEPTED_46K = { users: 620, groups: 250, pad: 420 } as const;
/** A 46 KB kubeconfig with so much aliasing that kubectl refuses it ("excessive aliasing"). */
export const REFUSED_46K = { users: 1000, groups: 400, pad: 150 } as const;

/** Nested lists of aliases, each level `fan` copies of the one before: `fan ** depth` leaves. */
export function billionLaughs(depth: number, fan: number, top = ''): string {
  const lines = [`l0: &l0 [${Array(fan).fill('lol').join(', ')}]`];
  for (let i = 1; i <= depth; i++)
    lines.push(
      `l${i}: &l${i} [${Array(fan)
        .fill(`*l${i - 1}`)
        .join(', ')}]`,
    );
  return `${top}${lines.join('\n')}\n`;
}

/** A plain kubeconfig of `n` contexts (the linear baseline next to the hostile ones). */
export function plainKubeconfig(n: number): string {
  const lines = ['apiVersion: v1', 'kind: Config', 'current-context: ctx-0', 'clusters:'];
  for (let i = 0; i < n; i++) lines.push(`- name: c${i}`, '  cluster:', `    server: https://10.0.${i & 255}.1:6443`);
  lines.push('contexts:');
  for (let i = 0; i < n; i++) lines.push(`- name: ctx-${i}`, '  context:', `    cluster: c${i}`, `    user: u${i}`);
  lines.push('users:');
  for (let i = 0; i < n; i++) lines.push(`- name: u${i}`, '  user:', `    token: t${i}`);
  return `${lines.join('\n')}\n`;
}

/** One mapping with `n` keys: the yaml library's unique-key check compared each with every other. */
export function wideMapping(n: number): string {
  const lines = ['apiVersion: v1', 'kind: Config', 'preferences:'];
  for (let i = 0; i < n; i++) lines.push(`  k${i}: v`);
  return `${lines.join('\n')}\n`;
}

/** A catalog cluster with `n` unknown keys: each problem looked for the cluster's name again. */
export function wideCatalogCluster(n: number): string {
  const lines = ['clusters:', '  - ip: 198.51.100.7'];
  for (let i = 0; i < n; i++) lines.push(`    unknown${i}: x`);
  lines.push('    name: prod');
  return `${lines.join('\n')}\n`;
}

/** One long line of `n` YAML errors: pretty errors copied the whole line for each. */
export function manyErrorsOneLine(n: number): string {
  return `clusters: [${Array(n).fill('a: b: c').join(', ')}]\n`;
}
