import { randomBytes } from 'node:crypto';
import { createCertificateAuthority } from '../../sim/apiserver/pki.ts';

/**
 * A kubeconfig the size of a large platform team's: `count` clusters, contexts and users, each
 * cluster with a ~0.7 KB CA (base64) (what EKS/GKE/kubeadm CAs weigh in base64), users alternating
 * between exec plugins and tokens. 2,000 contexts come to about 2 MB. Written in kubectl's own
 * layout, as a file kubectl maintained would look.
 */
export function generateKubeconfig(count: number): string {
  const lines = ['apiVersion: v1', 'clusters:'];
  for (let i = 0; i < count; i++) {
    const ca = pemCertificateData();
    lines.push(
      '- cluster:',
      `    certificate-authority-data: ${ca}`,
      `    server: https://10.${(i >> 8) & 255}.${i & 255}.1:6443`,
      `  name: team-cluster-${i}`,
    );
  }
  lines.push('contexts:');
  for (let i = 0; i < count; i++) {
    lines.push(
      '- context:',
      `    cluster: team-cluster-${i}`,
      `    namespace: ns-${i % 17}`,
      `    user: team-user-${i}`,
      `  name: team-ctx-${i}`,
    );
  }
  lines.push('current-context: team-ctx-0', 'kind: Config', 'preferences: {}', 'users:');
  for (let i = 0; i < count; i++) {
    lines.push(`- name: team-user-${i}`, '  user:');
    if (i % 2 === 0) {
      lines.push(
        '    exec:',
        '      apiVersion: client.authentication.k8s.io/v1beta1',
        '      args:',
        '      - eks',
        '      - get-token',
        '      - --cluster-name',
        `      - team-cluster-${i}`,
        '      command: aws',
        '      env: null',
        '      interactiveMode: IfAvailable',
        '      provideClusterInfo: false',
      );
    } else {
      lines.push(`    token: ${randomBytes(24).toString('hex')}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** certificate-authority-data as kubectl stores it: a PEM certificate (random body), base64. */
function pemCertificateData(): string {
  const body = randomBytes(320).toString('base64').replace(/.{64}/g, '$&\n');
  return Buffer.from(`-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`).toString('base64');
}

/**
 * A team catalog of `count` clusters, as `kubezt setup` reads it: each with a server, a token and
 * a real CA (one test CA for all, so the catalog's certificate check passes).
 */
export async function generateCatalog(
  count: number,
): Promise<{ yaml: string; entries: { name: string; server: string }[] }> {
  const ca = await createCertificateAuthority({ CN: 'kubezt bench CA' });
  const caData = Buffer.from(ca.certPem).toString('base64');
  const entries = Array.from({ length: count }, (_, i) => ({
    name: `bench-${i}`,
    server: `https://198.51.${100 + (i >> 8)}.${i & 255}:6443`,
  }));
  const lines = ['clusters:'];
  for (const e of entries) {
    lines.push(
      `  - name: ${e.name}`,
      `    server: ${e.server}`,
      `    certificateAuthorityData: ${caData}`,
      `    user: { token: ${randomBytes(24).toString('hex')} }`,
    );
  }
  return { yaml: `${lines.join('\n')}\n`, entries };
}
