import { describe, expect, it } from 'vitest';
import { nodeProcessRunner } from '../../../main/core/process/runner.ts';
import { DEFAULT_TRACE_URL, defaultWarpCliPath, warpEnvFromProcess } from '../../../main/core/warp/index.ts';

describe('warpEnvFromProcess', () => {
  it('uses each platform’s install location and the real trace URL by default', () => {
    expect(warpEnvFromProcess({}, 'linux', nodeProcessRunner, fetch)).toMatchObject({
      warpCliPath: '/usr/bin/warp-cli',
      traceUrl: DEFAULT_TRACE_URL,
    });
    expect(warpEnvFromProcess({}, 'linux', nodeProcessRunner, fetch).interfaceName).toBeUndefined();
    expect(defaultWarpCliPath('darwin')).toBe('/Applications/Cloudflare WARP.app/Contents/Resources/warp-cli');
    expect(defaultWarpCliPath('win32')).toBe('C:\\Program Files\\Cloudflare\\Cloudflare WARP\\warp-cli.exe');
    expect(defaultWarpCliPath('win32', { ProgramFiles: 'D:\\Apps' })).toBe(
      'D:\\Apps\\Cloudflare\\Cloudflare WARP\\warp-cli.exe',
    );
  });

  it('KUBEZT_WARP_CLI, KUBEZT_TRACE_URL and KUBEZT_WARP_INTERFACE override them', () => {
    const env = warpEnvFromProcess(
      {
        KUBEZT_WARP_CLI: '/tmp/fake/warp-cli',
        KUBEZT_TRACE_URL: 'http://127.0.0.1:9/cdn-cgi/trace',
        KUBEZT_WARP_INTERFACE: 'lo',
      },
      'darwin',
      nodeProcessRunner,
      fetch,
    );
    expect(env).toMatchObject({
      platform: 'darwin',
      warpCliPath: '/tmp/fake/warp-cli',
      traceUrl: 'http://127.0.0.1:9/cdn-cgi/trace',
      interfaceName: 'lo',
    });
    expect(warpEnvFromProcess({ KUBEZT_TRACE_URL: 'off' }, 'linux', nodeProcessRunner, fetch).traceUrl).toBeNull();
  });
});
