/**
 * The city gateway the RPC benchmarks call: its node configuration (one
 * database, city-b a peer region under an agreement allowing query for
 * bidding review, all categories, third-party records) and a Federation
 * client presenting city-b's certificate.
 */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { loadConfig } from '../config/load-config.js';
import type { NodeConfig } from '../config/node-config.js';
import { FederationClient } from '../gen/credfed/v1/federation.js';
import type { DevCertificates } from '../pki/dev-certs.js';
import { clientCredentials } from '../pki/grpc-credentials.js';
import { loadTlsFiles } from '../pki/tls-files.js';

export const AGREEMENT = {
  agreement: 'bench-city-b',
  parties: { partners: ['city-b'] },
  valid: { from: '2020-01-01', until: '2099-12-31' },
  directions: ['query'],
  categories: ['all'],
  disclosure: ['public', 'conditional'],
  purposes: ['bidding_review'],
  quotas: { perMinute: 100_000_000, perDay: 1_000_000_000 },
  fields: [
    { field: 'subject.legal_representative', action: 'mask' },
    { field: 'penalty.violation_facts', action: 'drop' },
  ],
  thirdParty: true,
};

/** Writes `dir`/city.yaml for the city on `databaseUrl` (plus `extra` top-level sections) and loads it. */
export function cityConfig(dir: string, certs: DevCertificates, databaseUrl: string, extra: Record<string, unknown> = {}): NodeConfig {
  const city = certs.nodes.city!;
  const configFile = path.join(dir, 'city.yaml');
  fs.writeFileSync(
    configFile,
    YAML.stringify({
      node: { id: 'city', federation: 'bench' },
      listen: '127.0.0.1:0',
      store: { databaseUrl },
      tls: { ca: city.caFile, cert: city.certFile, key: city.keyFile },
      partners: [{ id: 'city-b', kind: 'peer_region' }],
      agreements: [AGREEMENT],
      log: { level: 'warn' },
      ...extra,
    }),
  );
  return loadConfig(configFile, {});
}

/** A client of the city's gateway on `port`, presenting city-b's certificate. */
export async function cityBClient(certs: DevCertificates, port: number, options: Record<string, unknown> = {}): Promise<FederationClient> {
  const tls = await loadTlsFiles(certs.nodes['city-b']!);
  return new FederationClient(`127.0.0.1:${port}`, clientCredentials(tls, { federation: 'bench', kind: 'partner', id: 'city' }), { 'grpc.ssl_target_name_override': 'city', ...options });
}
