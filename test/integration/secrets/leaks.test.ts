import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { base64Cores, findSecretIn, REDACTED, redactSecrets } from '../../../main/core/secrets/index.ts';

const token = 'cf_Tok3n-With+Slash/AndPlus_0123456789abcd';

describe('redactSecrets', () => {
  it.each([
    ['plain', `Authorization: Bearer ${token}`, `Authorization: Bearer ${REDACTED}`],
    ['URL-encoded', `GET /x?token=${encodeURIComponent(token)}&a=1`, `GET /x?token=${REDACTED}&a=1`],
    [
      'inside JSON',
      JSON.stringify({ t: `a"${token}` }),
      JSON.stringify({ t: 'a"' }).replace('a\\"', `a\\"${REDACTED}`),
    ],
    ['base64 inside a Basic header', `Basic ${Buffer.from(`user:${token}`).toString('base64')}`, undefined],
    ['twice', `${token} and ${token}`, `${REDACTED} and ${REDACTED}`],
  ])('%s', (_name, text, expected) => {
    const out = redactSecrets(text, [token]);
    expect(out).not.toContain(token);
    for (const core of base64Cores(token)) expect(out).not.toContain(core);
    expect(out).toContain(REDACTED);
    if (expected !== undefined) expect(out).toBe(expected);
  });

  it('handles several secrets, skips empty and too-short ones, and leaves other text alone', () => {
    const other = 'second-secret-value';
    const text = `a ${token} b ${other} c abc`;
    expect(redactSecrets(text, [undefined, '', '  ', 'abc', token, other])).toBe(`a ${REDACTED} b ${REDACTED} c abc`);
    expect(redactSecrets('nothing here', [token])).toBe('nothing here');
  });
});

describe('findSecretIn', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kubezt-leaks-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('finds every spelling in strings, labelled texts, files and folder trees', async () => {
    await mkdir(join(dir, 'cache', 'deep'), { recursive: true });
    await writeFile(join(dir, 'settings.json'), '{"accountId":"abc"}');
    await writeFile(join(dir, 'cache', 'deep', 'log.txt'), `line\nx-${token}-y\n`);
    await writeFile(join(dir, 'cache', 'utf16.txt'), Buffer.from(`=${token}=`, 'utf16le'));
    await writeFile(
      join(dir, 'cache', 'kubeconfig'),
      `users:\n- user:\n    auth: ${Buffer.from(`me:${token}`).toString('base64')}\n`,
    );
    const leaks = await findSecretIn(
      [
        'clean stdout',
        `stderr says ${encodeURIComponent(token)}`,
        { label: 'ipc event', text: new TextEncoder().encode(JSON.stringify({ t: token })) },
        { path: dir },
      ],
      token,
    );
    expect(leaks.map((l) => [l.where, l.form])).toEqual([
      ['text #2', 'url-encoded'],
      ['ipc event', 'plain'],
      [join(dir, 'cache', 'deep', 'log.txt'), 'plain'],
      [join(dir, 'cache', 'kubeconfig'), 'base64'],
      [join(dir, 'cache', 'utf16.txt'), 'utf16le'],
    ]);
    expect(leaks.find((l) => l.where.endsWith('log.txt'))?.offset).toBe(7);
  });

  it('finds nothing in clean sources, and does not follow symlinks out of the tree', async () => {
    const outside = await mkdtemp(join(tmpdir(), 'kubezt-outside-'));
    try {
      await writeFile(join(outside, 'secret.txt'), token);
      await symlink(outside, join(dir, 'link-to-outside'));
      await writeFile(join(dir, 'a.txt'), 'nothing to see');
      expect(await findSecretIn([{ path: dir }, 'plain text', { label: 'x', text: 'y' }], token)).toEqual([]);
      // Sanity: the same scanner does see it when pointed at the folder directly.
      expect(await findSecretIn([{ path: outside }], token)).toHaveLength(1);
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });

  it('finds a random token at any base64 alignment', async () => {
    const secret = randomBytes(30).toString('base64url');
    for (const prefix of ['', 'a', 'ab', 'abc']) {
      const blob = Buffer.from(`${prefix}${secret}!`).toString('base64');
      expect(await findSecretIn([blob], secret), prefix).toEqual([
        { where: 'text #1', form: 'base64', offset: expect.any(Number) },
      ]);
    }
  });

  it('refuses a secret too short to mean anything', async () => {
    await expect(findSecretIn(['abc'], 'abc')).rejects.toThrow(/at least 4 characters/);
  });
});
