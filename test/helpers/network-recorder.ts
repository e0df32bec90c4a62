/**
 * Preloaded into a kubezt process under test (`node --import THIS bin/kubezt.js ...`): records
 * every HTTP request fetch creates and every client socket the process opens, one JSON line each,
 * into $KUBEZT_TEST_NET_LOG, so a test can prove that nothing was sent at all. A request is
 * recorded when it is created, before any DNS lookup or connection.
 */

import { subscribe } from 'node:diagnostics_channel';
import { appendFileSync } from 'node:fs';

const log = process.env.KUBEZT_TEST_NET_LOG;

if (log) {
  const record = (entry: Record<string, unknown>) => appendFileSync(log, `${JSON.stringify(entry)}\n`);
  subscribe('undici:request:create', (message) => {
    const { request } = message as { request: { origin: string; path: string; method: string } };
    record({ kind: 'request', method: request.method, origin: request.origin, path: request.path });
  });
  subscribe('net.client.socket', () => record({ kind: 'socket' }));
}
