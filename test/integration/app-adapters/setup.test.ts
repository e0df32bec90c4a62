/**
 * The setup wizard's core against the simulator: the preview writes nothing and shows the exact
 * diff, apply writes what was shown (real kubectl reads it back), certificates without a known CA
 * are pinned only with the fingerprint the user confirmed, a Gateway-issued chain is refused,
 * unticked clusters keep their entries, and stale ones are removed only after a complete read.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { SetupInput } from '../../../ipc/contract.ts';
import { createDomainAdapter } from '../../../main/app/adapters/index.ts';
import { nodeProcessRunner } from '../../../main/core/process/runner.ts';
import { seedFromClusters } from '../../../sim/cloudflare/index.ts';
import { type AppWorld, appWorldPerTest, withoutCa } from './world.ts';

const exec = promisify(execFile);
const open = appWorldPerTest();

const kubectl = async (w: AppWorld, ...args: string[]) =>
  (await exec('kubectl', args, { env: { PATH: w.env.PATH, HOME: w.home, KUBECONFIG: w.sim.kubeconfigPath } })).stdout;

const both = (w: AppWorld, selected: string[] | null, trust: SetupInput['trust'] = []): SetupInput => ({
  sources: { cloudflare: true, catalogPath: w.env.KUBEZT_CATALOG as string },
  selected,
  trust,
});

describe('previewSetup and applySetup', () => {
  it('previews without writing, applies exactly that, kubectl uses it, and a second run changes nothing', async () => {
    const w = await open();
    const before = w.kubeconfig();
    const progress: string[] = [];
    const preview = await w.core.previewSetup(both(w, null), (p) => progress.push(p.phase));
    expect(w.kubeconfig()).toBe(before);
    expect(progress).toContain('cloudflare');
    expect(preview.candidates.map((c) => [c.name, c.ca.status, c.plan, c.contextName])).toEqual([
      ['prod-us', 'provided', 'add', 'zt-prod-us'],
      ['prod-eu', 'provided', 'add', 'zt-prod-eu'],
      ['staging', 'provided', 'add', 'zt-staging'],
      ['dev', 'provided', 'add', 'zt-dev'],
    ]);
    expect(preview.files).toEqual([w.sim.kubeconfigPath]);
    expect(preview.diff).toContain(`--- ${w.sim.kubeconfigPath}`);
    expect(preview.diff).toMatch(/^\+\s*- name: zt-prod-us$/m);
    expect(preview.changes.map((c) => c.message)).toEqual(
      ['prod-us', 'prod-eu', 'staging', 'dev'].map((n) => `added context zt-${n} to ${w.sim.kubeconfigPath}`),
    );
    // The Gateway audit of the simulator's inspected cluster reaches the wizard.
    expect(preview.warnings.join('\n')).toMatch(/Do Not Inspect.*cluster dev/);
    // The diff masks the catalog's tokens; nothing in the answer carries one.
    for (const secret of w.secretValues) expect(JSON.stringify(preview)).not.toContain(secret);

    const requestsBefore = w.sim.cloudflare.requests.length;
    const result = await w.core.applySetup(both(w, ['prod-us', 'prod-eu', 'staging', 'dev']), () => {});
    // Apply reuses the list the preview fetched (cached), it does not discover again.
    expect(w.sim.cloudflare.requests.length).toBe(requestsBefore);
    expect(result.changes.filter((c) => c.action === 'added').map((c) => c.name)).toEqual([
      'zt-prod-us',
      'zt-prod-eu',
      'zt-staging',
      'zt-dev',
    ]);
    expect(result.files).toEqual([w.sim.kubeconfigPath]);
    // kubezt's own backup, in its settings folder, 0600; nothing beside the kubeconfig.
    expect(result.backups).toHaveLength(1);
    expect(result.backups[0]).toMatch(new RegExp(`^${w.sim.configDir}/backups/\\d{8}-\\d{6}-\\d{3}\\.yaml$`));
    expect(readFileSync(result.backups[0] as string, 'utf8')).toBe(before);
    expect(statSync(result.backups[0] as string).mode & 0o777).toBe(0o600);
    expect(existsSync(`${w.sim.kubeconfigPath}.bak`)).toBe(false);
    expect(w.kubeconfig().startsWith(before.split('\n')[0] as string)).toBe(true);

    const contexts = (await kubectl(w, 'config', 'get-contexts', '-o', 'name')).trim().split('\n').sort();
    expect(contexts).toEqual(['my-own-context', 'zt-dev', 'zt-prod-eu', 'zt-prod-us', 'zt-staging']);
    const version = JSON.parse(await kubectl(w, '--context', 'zt-prod-us', 'version', '-o', 'json'));
    expect(version.serverVersion.gitVersion).toBe('v1.32.3');

    const again = await w.core.previewSetup(both(w, null), () => {});
    expect(again.candidates.map((c) => c.plan)).toEqual(['unchanged', 'unchanged', 'unchanged', 'unchanged']);
    expect(again.diff).toBe('');
    expect(again.files).toEqual([]);
    // The dashboard lists the catalog the wizard used.
    expect(w.settings.read().catalogPath).toBe(w.env.KUBEZT_CATALOG);
  });

  it('asks before pinning a presented certificate, pins only the confirmed fingerprint, refuses a Gateway chain', async () => {
    const w = await open({ catalog: withoutCa('prod-eu', 'dev') });
    const preview = await w.core.previewSetup(both(w, null), () => {});
    const byName = Object.fromEntries(preview.candidates.map((c) => [c.name, c]));
    expect(byName['prod-us']?.ca.status).toBe('provided');
    const eu = byName['prod-eu'];
    expect(eu?.ca.status).toBe('needs-confirmation');
    expect(eu?.ca.sha256).toMatch(/^[0-9A-F]{2}(:[0-9A-F]{2}){31}$/);
    expect(eu?.ca.subject).toBeTruthy();
    expect(eu?.plan).toBe('add');
    expect(byName.dev?.ca.status).toBe('refused');
    expect(byName.dev?.ca.issuer).toMatch(/Gateway/);
    // As people write names, not Node's RFC 2253 escapes (O=Cloudflare\, Inc.).
    expect(byName.dev?.ca.issuer).toContain('O=Cloudflare, Inc., CN=Gateway CA');
    expect(byName.dev?.ca.reason).toMatch(/Cloudflare Gateway CA/);
    expect(byName.dev?.plan).toBe('blocked');
    // The first preview writes only what needs no confirmation.
    expect(preview.changes.map((c) => c.name)).toEqual(['zt-prod-us', 'zt-staging']);

    const fingerprint = eu?.ca.sha256 as string;
    const before = w.kubeconfig();
    await expect(w.core.applySetup(both(w, ['prod-us', 'prod-eu']), () => {})).rejects.toMatchObject({
      code: 'bad-input',
      message: expect.stringContaining('not confirmed'),
    });
    const wrong = fingerprint.replace(/^../, fingerprint.startsWith('00') ? '11' : '00');
    await expect(
      w.core.applySetup(both(w, ['prod-eu'], [{ cluster: 'prod-eu', sha256: wrong }]), () => {}),
    ).rejects.toMatchObject({ code: 'bad-input' });
    await expect(w.core.applySetup(both(w, ['dev']), () => {})).rejects.toMatchObject({
      code: 'bad-input',
      message: expect.stringContaining('Gateway'),
    });
    expect(w.kubeconfig()).toBe(before);

    const trusted = both(w, ['prod-us', 'prod-eu'], [{ cluster: 'prod-eu', sha256: fingerprint }]);
    const reviewed = await w.core.previewSetup(trusted, () => {});
    expect(reviewed.candidates.find((c) => c.name === 'prod-eu')?.ca.status).toBe('trusted');
    expect(reviewed.changes.map((c) => c.name)).toEqual(['zt-prod-us', 'zt-prod-eu']);
    await w.core.applySetup(trusted, () => {});
    // kubectl verifies the server against the pinned certificate.
    const version = JSON.parse(await kubectl(w, '--context', 'zt-prod-eu', 'version', '-o', 'json'));
    expect(version.serverVersion.gitVersion).toBe('v1.32.3');
    // Next time the pin is known: no confirmation asked again.
    const later = await w.core.previewSetup(both(w, null), () => {});
    expect(later.candidates.find((c) => c.name === 'prod-eu')?.ca.status).toBe('trusted');
    expect(later.candidates.find((c) => c.name === 'prod-eu')?.ca.sha256).toBe(fingerprint);
  });

  it('keeps the entries of unticked clusters, and removes stale ones only after reading every source', async () => {
    const w = await open();
    await w.core.applySetup(both(w, ['prod-us', 'prod-eu', 'staging', 'dev']), () => {});
    const full = w.kubeconfig();

    const unticked = await w.core.previewSetup(both(w, ['prod-us']), () => {});
    expect(unticked.diff).toBe('');
    expect(unticked.changes.filter((c) => c.action === 'removed')).toEqual([]);

    // The catalog alone lists nothing it can write (its entries wait for discovery's addresses):
    // that is no reason to remove what Cloudflare found.
    const catalogOnly = await w.core.previewSetup(
      { sources: { cloudflare: false, catalogPath: w.env.KUBEZT_CATALOG as string }, selected: null, trust: [] },
      () => {},
    );
    expect(catalogOnly.candidates).toEqual([]);
    expect(catalogOnly.changes.filter((c) => c.action === 'removed')).toEqual([]);

    // staging's route is deleted in Cloudflare: a complete read removes its entries.
    w.sim.cloudflare.setSeed(
      seedFromClusters(
        w.sim.clusters
          .filter((c) => c.name !== 'staging')
          .map((c) => ({
            name: c.name,
            ipv4: c.ip,
            ipv6: `2001:db8::${(w.sim.clusters.indexOf(c) + 1).toString(16)}`,
            tunnelName: `k8s-${c.name}`,
            doNotInspect: c.name !== 'dev',
          })),
        { accountName: 'Demo Corp' },
      ),
    );
    const stale = await w.core.previewSetup(both(w, null), () => {});
    expect(stale.candidates.map((c) => c.name)).toEqual(['prod-us', 'prod-eu', 'dev']);
    expect(stale.changes.filter((c) => c.action === 'removed').map((c) => c.message)).toEqual([
      `removed stale context zt-staging from ${w.sim.kubeconfigPath}`,
    ]);
    expect(w.kubeconfig()).toBe(full);
    await w.core.applySetup(both(w, ['prod-us', 'prod-eu', 'dev']), () => {});
    expect(await kubectl(w, 'config', 'get-contexts', '-o', 'name')).not.toContain('zt-staging');
  });

  it('when Cloudflare fails with no cache, goes on with the catalog and keeps Cloudflare contexts, saying so', async () => {
    const w = await open();
    await w.core.applySetup(both(w, ['prod-us', 'prod-eu', 'staging', 'dev']), () => {});
    const full = w.kubeconfig();
    rmSync(join(w.sim.configDir, 'discovery-cache.json'));
    w.sim.cloudflare.setFaults([{ status: 503 }]);

    const preview = await w.core.previewSetup(both(w, null), () => {});
    expect(preview.changes.filter((c) => c.action === 'removed')).toEqual([]);
    expect(preview.diff).toBe('');
    expect(preview.warnings).toContain(
      'Cloudflare was not consulted (discovery failed and there is no cached list); its 4 contexts were kept: zt-prod-us, zt-prod-eu, zt-staging, zt-dev.',
    );
    const applied = await w.core.applySetup(both(w, []), () => {});
    expect(applied.changes.filter((c) => c.action === 'removed')).toEqual([]);
    expect(w.kubeconfig()).toBe(full);
  });

  it('says how to fix a source that cannot be used, and writes nothing', async () => {
    const w = await open({ cloudflare: 'none' });
    const before = w.kubeconfig();
    await expect(
      w.core.previewSetup({ sources: { cloudflare: true, catalogPath: null }, selected: null, trust: [] }, () => {}),
    ).rejects.toMatchObject({ code: 'not-logged-in', message: expect.stringContaining('sign in') });
    // The catalog of the simulator is configured through KUBEZT_CATALOG; without it, nothing is.
    const bare = createDomainAdapter({
      env: { PATH: w.env.PATH as string, HOME: w.home },
      platform: process.platform,
      homeDir: w.home,
      configDir: w.sim.configDir,
      runner: nodeProcessRunner,
      fetch,
      settings: w.settings,
      secrets: w.secrets,
    });
    await expect(bare.refresh(() => {})).rejects.toMatchObject({
      code: 'not-logged-in',
      message: expect.stringContaining('Set up kubeconfig'),
    });
    await bare.close();
    await expect(
      w.core.previewSetup(
        { sources: { cloudflare: false, catalogPath: `${w.dir}/missing.yaml` }, selected: null, trust: [] },
        () => {},
      ),
    ).rejects.toMatchObject({ code: 'not-found', message: expect.stringContaining(`${w.dir}/missing.yaml`) });
    expect(w.kubeconfig()).toBe(before);
    expect(existsSync(`${w.sim.kubeconfigPath}.bak`)).toBe(false);
  });
});
