/**
 * The rule of which kubeconfig values are credentials (core/secrets/user-fields.ts), as the
 * diagnostics collect them and as the setup diff masks them.
 */
import { describe, expect, it } from 'vitest';
import { secretExecArgs } from '../../../main/core/secrets/exec-args.ts';
import { MASK, maskKubeconfigLines } from '../../../main/core/secrets/kubeconfig-mask.ts';
import { isPublicUserField, kubeconfigUserSecrets } from '../../../main/core/secrets/user-fields.ts';

const secretsIn = (bytes: string) => kubeconfigUserSecrets([{ path: '/home/dev/.kube/config', bytes }]).sort();

describe('isPublicUserField', () => {
  it('shows what names things and hides everything else', () => {
    for (const path of [
      ['exec', 'command'],
      ['exec', 'apiVersion'],
      ['exec', 'env', 0, 'name'],
      ['auth-provider', 'name'],
      ['tokenFile'],
      ['client-key'],
      ['username'],
      ['as-groups', 2],
    ]) {
      expect(isPublicUserField(path), path.join('.')).toBe(true);
    }
    for (const path of [
      ['token'],
      ['password'],
      ['client-key-data'],
      ['exec', 'args', 0],
      ['exec', 'env', 0, 'value'],
      ['auth-provider', 'config', 'client-secret'],
      ['auth-provider', 'config', 'name'],
      ['exec', 'env', 'name'],
      ['exec', 'env', 0, 'name', 0],
      ['exec.command'],
      ['x-custom'],
    ]) {
      expect(isPublicUserField(path), path.join('.')).toBe(false);
    }
  });
});

describe('secretExecArgs', () => {
  it('keeps flag values and later positionals, drops leading subcommands and bare flag names', () => {
    expect(
      secretExecArgs(['eks', 'get-token', '--cluster-name', 'prod-1', '--client-secret=s3cr3t!', 'trailing-word']),
    ).toEqual(['prod-1', '--client-secret=s3cr3t!', 's3cr3t!', 'trailing-word']);
    // A positional that is not a plain word is a secret even in first place.
    expect(secretExecArgs(['exec-plugin-token-3f1c9e0d'])).toEqual(['exec-plugin-token-3f1c9e0d']);
  });
});

describe('kubeconfigUserSecrets', () => {
  const KUBECONFIG = `apiVersion: v1
kind: Config
users:
- name: admin-user
  user:
    token: |
      line-one-secret
      line-two-secret
    "password": 'it''s-a-secret'
    username: admin
    tokenFile: ./token
    auth-provider: {name: oidc, config: {client-secret: oidc-secret-1, idp-issuer-url: "https://issuer"}}
    exec:
      command: /usr/local/bin/kubelogin
      apiVersion: client.authentication.k8s.io/v1
      installHint: Install kubelogin first.
      args: [get-token, --client-secret, flag-secret-2, "--token=inline-secret-3"]
      env:
      - {name: AZURE_CLIENT_SECRET, value: env-secret-4}
    extensions:
    - name: kubezt
      extension: {managed: true, cluster: prod-us, sources: [catalog, cloudflare]}
contexts:
- name: c
  context: {cluster: c, user: admin-user}
`;

  it('collects every value under users[*].user except the public fields', () => {
    expect(secretsIn(KUBECONFIG)).toEqual(
      [
        'line-one-secret\nline-two-secret\n',
        'line-one-secret',
        'line-two-secret',
        "it's-a-secret",
        'oidc-secret-1',
        'https://issuer',
        'flag-secret-2',
        '--token=inline-secret-3',
        'inline-secret-3',
        'env-secret-4',
      ].sort(),
    );
  });

  it('reads CRLF files, several documents, merge keys and a BOM the same way', () => {
    const crlf = KUBECONFIG.replace(/\n/g, '\r\n');
    expect(secretsIn(crlf)).toEqual(secretsIn(KUBECONFIG));
    expect(secretsIn(`\ufeff${KUBECONFIG}`)).toEqual(secretsIn(KUBECONFIG));
    const twoDocs = `${KUBECONFIG}---\nusers:\n- name: other\n  user: {token: second-doc-secret}\n`;
    expect(secretsIn(twoDocs)).toContain('second-doc-secret');
    const merged = `base: &base {token: merged-secret-5}\nusers:\n- name: m\n  user:\n    <<: *base\n`;
    expect(secretsIn(merged)).toContain('merged-secret-5');
  });

  it('walks an alias bomb once, not once per reference', () => {
    const levels = ['a: &a [bomb-secret-0, bomb-secret-0]'];
    for (let i = 1; i < 40; i++)
      levels.push(`l${i}: &l${i} [${i === 1 ? '*a' : `*l${i - 1}`}, ${i === 1 ? '*a' : `*l${i - 1}`}]`);
    const bytes = `${levels.join('\n')}\nusers:\n- name: u\n  user: {token: *l39}\n`;
    expect(secretsIn(bytes)).toEqual(['bomb-secret-0']);
  });

  it('gives nothing for a file no reader accepts, and for a missing file', () => {
    expect(secretsIn('users: [\n- name: x\n')).toEqual([]);
    expect(kubeconfigUserSecrets([{ path: '/none', bytes: null }])).toEqual([]);
  });
});

describe('maskKubeconfigLines', () => {
  it('keeps keys, indentation, line ends and public fields', () => {
    const text = 'users:\r\n- name: u\r\n  user:\r\n    token: abc-secret # old\r\n    username: admin\r\n';
    expect(maskKubeconfigLines(text)).toEqual([
      'users:\r',
      '- name: u\r',
      '  user:\r',
      `    token: ${MASK} # ${MASK}\r`,
      '    username: admin\r',
      '',
    ]);
  });

  it('masks an anchored value where it is defined, even outside the users', () => {
    const text = 'x-defaults:\n  t: &tok anchored-secret\nusers:\n- name: u\n  user:\n    token: *tok\n';
    const shown = maskKubeconfigLines(text).join('\n');
    expect(shown).not.toContain('anchored-secret');
    expect(shown).toContain('    token: *tok');
  });

  it('masks a JSON kubeconfig and every document of a multi-document file', () => {
    const json = JSON.stringify({ apiVersion: 'v1', users: [{ name: 'u', user: { token: 'json-secret-1' } }] });
    expect(maskKubeconfigLines(json)).toEqual([`{"apiVersion":"v1","users":[{"name":"u","user":{"token":${MASK}}}]}`]);
    const docs =
      'users:\n- name: a\n  user: {token: doc-one-secret}\n---\nusers:\n- name: b\n  user: {token: doc-two-secret}\n';
    const shown = maskKubeconfigLines(docs).join('\n');
    expect(shown).not.toMatch(/doc-(one|two)-secret/);
    expect(shown).toContain(`user: {token: ${MASK}}`);
  });

  it('masks from the users key on when the text does not parse, keeping what comes before', () => {
    const text =
      'clusters:\n- name: c\n  cluster: {server: "https://c"}\nusers:\n- name: u\n  user:\n    token: "unclosed-secret\n';
    expect(maskKubeconfigLines(text)).toEqual([
      'clusters:',
      '- name: c',
      '  cluster: {server: "https://c"}',
      'users:',
      `- name: ${MASK}`,
      '  user:',
      `    token: ${MASK}`,
      '',
    ]);
  });

  it('masks every line of unparsable text that has no users key at all', () => {
    expect(maskKubeconfigLines('- a: [\n  b\n')).toEqual([`- a: ${MASK}`, `  ${MASK}`, '']);
  });
});
