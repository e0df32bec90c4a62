import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKubeClient, detectKubectlClient } from '../../../main/core/probe/kube.ts';
import { nodeProcessRunner } from '../../../main/core/process/runner.ts';
import { type ApiServerFarm, startApiServerFarm } from '../../../sim/apiserver/index.ts';
import { targetFor } from './helpers.ts';

let farm: ApiServerFarm;

beforeAll(async () => {
  farm = await startApiServerFarm({ servers: [{ name: 'k', gitVersion: 'v1.30.1' }] });
});

afterAll(async () => {
  await farm?.close();
});

describe('client-node wrapper', () => {
  it('keeps one dispatcher per context, so requests reuse kept-alive connections', async () => {
    const server = farm.server('k');
    const client = createKubeClient(targetFor(server), { token: server.token });
    const before = server.stats();
    const signal = new AbortController().signal;
    for (let i = 0; i < 5; i++) expect((await client.version(signal)).gitVersion).toBe('v1.30.1');
    expect((await client.selfSubjectReview(signal)).username).toBe('admin');
    await client.close();
    const after = server.stats();
    expect(after.requests - before.requests).toBe(6);
    // client-node alone builds a new undici Agent (and connection) per request: 6 here.
    expect(after.connections - before.connections).toBeLessThanOrEqual(2);
  });

  it('aborts a request when its signal fires', async () => {
    const server = farm.server('k');
    await farm.setFault('k', { kind: 'slow', delayMs: 10_000 });
    const client = createKubeClient(targetFor(server), { token: server.token });
    const controller = new AbortController();
    const pending = client.version(controller.signal);
    controller.abort(new Error('stop'));
    await expect(pending).rejects.toThrow();
    await client.close();
    await farm.setFault('k', 'none');
  });
});

describe('local kubectl detection', () => {
  it('reads the real kubectl client version, and the minors a gcloud dispatcher can run', async () => {
    const info = await detectKubectlClient(nodeProcessRunner, '/usr/bin/kubectl', process.env);
    expect(info).not.toBeNull();
    expect(info?.major).toBe(1);
    expect(info?.gitVersion).toMatch(/^v1\.\d+\.\d+/);
    if (info?.gitVersion.includes('dispatcher')) {
      // Google Cloud SDK's kubectl ships kubectl.1.N binaries beside the dispatcher.
      expect(info.dispatcherMinors?.length).toBeGreaterThan(0);
    }
  });

  it('returns null when kubectl is missing', async () => {
    expect(await detectKubectlClient(nodeProcessRunner, '/nonexistent/kubectl', process.env)).toBeNull();
  });
});
