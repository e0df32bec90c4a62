import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { isUserError } from '../../../main/core/errors.ts';
import { readMergedKubeconfig } from '../../../main/core/kubeconfig/read-full.ts';
import { checkFleet } from '../../../main/core/probe/index.ts';
import { type ApiServerFarm, buildKubeconfig, startApiServerFarm } from '../../../sim/apiserver/index.ts';
import { env, targetsFromKubeconfigFile } from './helpers.ts';

let farm: ApiServerFarm;
let dir: string;

beforeAll(async () => {
  farm = await startApiServerFarm({ servers: [{ name: 'a' }, { name: 'b' }, { name: 'c', ipSan: false }] });
  dir = await mkdtemp(join(tmpdir(), 'kubezt-targets-'));
});

afterAll(async () => {
  await farm?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('kubeconfig contexts as probe targets', () => {
  it('resolves data fields, relative files and tokenFile like kubectl, and the whole fleet passes', async () => {
    const cert = await farm.issueClientCert('erin', ['ops']);
    await mkdir(join(dir, 'creds'), { recursive: true });
    await writeFile(join(dir, 'creds', 'erin.crt'), cert.certPem);
    await writeFile(join(dir, 'creds', 'erin.key'), cert.keyPem);
    await writeFile(join(dir, 'creds', 'a.token'), `${farm.server('a').token}\n`);
    await writeFile(join(dir, 'creds', 'ca.crt'), farm.caPem);
    const config = parse(
      buildKubeconfig(
        [
          { server: farm.server('a') },
          { server: farm.server('b'), user: { clientCertificate: 'creds/erin.crt', clientKey: 'creds/erin.key' } },
          { server: farm.server('c'), tlsServerName: 'kubernetes.default.svc' },
        ],
        'b',
      ),
    );
    // a: token from a file and the CA from a file, both relative to the kubeconfig.
    config.users[0].user = { tokenFile: 'creds/a.token' };
    delete config.clusters[0].cluster['certificate-authority-data'];
    config.clusters[0].cluster['certificate-authority'] = 'creds/ca.crt';
    const text = stringify(config);
    const path = join(dir, 'config');
    await writeFile(path, text);
    expect(text).toContain('tokenFile: creds/a.token');
    expect(text).toContain('certificate-authority: creds/ca.crt');

    const { targets, problems, currentContext } = await targetsFromKubeconfigFile(path);
    expect(problems).toEqual([]);
    expect(currentContext).toBe('b');
    // Files are named, not read: the ladder reads them once TLS has passed.
    expect(targets.map((t) => [t.name, t.credentials])).toEqual([
      ['a', { kind: 'tokenFile', tokenFile: join(dir, 'creds', 'a.token') }],
      [
        'b',
        {
          kind: 'clientCertificateFiles',
          cert: { file: join(dir, 'creds', 'erin.crt') },
          key: { file: join(dir, 'creds', 'erin.key') },
        },
      ],
      ['c', { kind: 'token', token: farm.server('c').token }],
    ]);
    const results = await checkFleet(targets, { env: env() });
    expect(results.map((r) => [r.name, r.ok])).toEqual([
      ['a', true],
      ['b', true],
      ['c', true],
    ]);
    expect(results[1]?.steps.find((s) => s.step === 'auth')?.data).toMatchObject({ username: 'erin' });
  });

  it('reports contexts it cannot resolve as problems, one sentence each, and unreadable credential files at the ladder', async () => {
    const path = join(dir, 'broken');
    const text = buildKubeconfig([
      { server: farm.server('a'), user: { clientCertificate: 'missing.crt', clientKey: 'missing.key' } },
    ]);
    await writeFile(path, text);
    const { targets, problems } = await targetsFromKubeconfigFile(path, { contexts: ['a', 'nope'] });
    expect(problems).toEqual([{ context: 'nope', message: 'There is no context named "nope" in the kubeconfig.' }]);
    expect(targets.map((t) => t.name)).toEqual(['a']);
    // The certificate files are read once TLS has passed, and their absence is the version step's failure.
    const [result] = await checkFleet(targets, { env: env() });
    const version = result?.steps.find((s) => s.step === 'version');
    expect(version).toMatchObject({
      status: 'fail',
      reason: 'credentials-failed',
      detail: `The client certificate file ${join(dir, 'missing.crt')} of context "a" cannot be read (ENOENT).`,
    });
    expect(result?.steps.find((s) => s.step === 'tls')?.status).toBe('ok');
  });

  it('rejects a file that is not a kubeconfig with a UserError', async () => {
    let err: unknown;
    try {
      readMergedKubeconfig([{ path: '/x/config', bytes: '- just\n- a list\n' }]);
    } catch (e) {
      err = e;
    }
    expect(isUserError(err)).toBe(true);
    expect((err as { code?: string }).code).toBe('kubeconfig-invalid');
  });
});
