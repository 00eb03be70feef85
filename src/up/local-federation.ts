import fs from 'node:fs';
import path from 'node:path';
import { loadConfig, writeConfig } from '../config/load-config.js';
import type { Logger } from '../obs/logger.js';
import { ensureDevCertificates } from '../pki/dev-certs.js';
import { generateRecords } from '../sample/sample-records.js';
import { startGateway, type Gateway } from '../server/gateway.js';
import { pushPartnerIds } from '../config/node-config.js';
import { ChunkWriter } from '../importer/chunk-writer.js';
import { validateRecord } from '../core/records/validate-record.js';
import { writeNewKeyFile } from '../persons/key-file.js';
import { loadPersonsProtection } from '../persons/persons-protection.js';
import { writeManifest, type FederationManifest } from './manifest.js';
import { LOCAL_FEDERATION, type PlannedNode } from './plan.js';

export interface UpOptions {
  readonly dataDir: string;
  readonly certsDir: string;
  readonly basePort: number;
  readonly records: number;
  readonly federation: string;
  readonly log: Logger;
  readonly progress: (line: string) => void;
}

export interface RunningFederation {
  readonly gateways: ReadonlyMap<string, Gateway>;
  readonly manifest: FederationManifest;
  /** New records stored per importing node in this run. */
  readonly imported: ReadonlyMap<string, number>;
  stop(): Promise<void>;
}

/**
 * Starts the local federation: certificates, one configuration and embedded
 * store per node, the gateways, and the sample records at each importing node.
 * Data and certificates are reused on the next run.
 */
export async function startLocalFederation(opts: UpOptions): Promise<RunningFederation> {
  const dataDir = path.resolve(opts.dataDir);
  const certsDir = path.resolve(opts.certsDir);
  opts.progress(`certificates: ${certsDir}`);
  const certs = await ensureDevCertificates({
    dir: certsDir,
    federation: opts.federation,
    nodes: LOCAL_FEDERATION.map((n) => n.id),
    admins: ['local'],
    verdictSigners: LOCAL_FEDERATION.map((n) => n.id),
  });
  const endpoint = (n: PlannedNode) => `127.0.0.1:${opts.basePort + n.portOffset}`;
  const byId = new Map(LOCAL_FEDERATION.map((n) => [n.id, n]));
  // Natural persons: one federation pseudonym key shared by every node (as the
  // README says to distribute it), and one encryption key per node; kept
  // across runs so pseudonyms and sealed numbers stay valid.
  const pseudonymKey = ensureKeyFile(path.join(dataDir, 'keys', 'federation-pseudonym.key'));
  const configFiles = LOCAL_FEDERATION.map((n) => {
    const file = path.join(dataDir, n.id, 'credfed.yaml');
    const encryptionKey = ensureKeyFile(path.join(dataDir, n.id, 'keys', 'node-encryption.key'));
    const doc = nodeDocument(n, opts.federation, endpoint(n), certsDir, (id) => endpoint(byId.get(id)!));
    writeConfig(file, { ...doc, persons: { pseudonymKeys: [{ id: LOCAL_PSEUDONYM_KEY_ID, file: pseudonymKey }], encryptionKeyFile: encryptionKey } });
    return file;
  });
  opts.progress(`starting ${LOCAL_FEDERATION.length} nodes (embedded stores under ${dataDir})`);
  const start = (i: number) => startGateway(loadConfig(configFiles[i]!, {}), { log: opts.log.child({ node: LOCAL_FEDERATION[i]!.id }) });
  // Nodes that only receive (the city) listen before the senders start, so no
  // sender's first connection attempt fails.
  const receiversFirst = LOCAL_FEDERATION.map((n, i) => ({ i, sends: n.partners.some((p) => p.kind === 'parent_city' || p.push) }));
  const started: PromiseSettledResult<Gateway>[] = [];
  for (const wave of [receiversFirst.filter((n) => !n.sends), receiversFirst.filter((n) => n.sends)]) {
    const results = await Promise.allSettled(wave.map((n) => start(n.i)));
    wave.forEach((n, k) => (started[n.i] = results[k]!));
  }
  const gateways = new Map<string, Gateway>();
  started.forEach((s, i) => s.status === 'fulfilled' && gateways.set(LOCAL_FEDERATION[i]!.id, s.value));
  const stop = async () => {
    await Promise.allSettled([...gateways.values()].map((g) => g.stop()));
  };
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    await stop();
    throw failed.reason;
  }
  for (const [id, g] of gateways) if (g.metricsPort !== undefined) opts.progress(`${id}: metrics at http://127.0.0.1:${g.metricsPort}/metrics`);
  const imported = new Map<string, number>();
  for (const node of LOCAL_FEDERATION.filter((n) => n.imports)) {
    const gateway = gateways.get(node.id)!;
    imported.set(node.id, await importSamples(gateway, node, opts.records));
    gateway.notifyOutbox();
  }
  const manifest: FederationManifest = {
    federation: opts.federation,
    caFile: certs.caCertFile,
    admin: { certFile: certs.admins.local!.certFile, keyFile: certs.admins.local!.keyFile },
    nodes: LOCAL_FEDERATION.map((n, i) => ({ id: n.id, endpoint: endpoint(n), config: configFiles[i]! })),
  };
  writeManifest(dataDir, manifest);
  return { gateways, manifest, imported, stop };
}

async function importSamples(gateway: Gateway, node: PlannedNode, count: number): Promise<number> {
  const writer = new ChunkWriter(gateway.store, pushPartnerIds(gateway.config), loadPersonsProtection(gateway.config.persons));
  for (const generated of generateRecords({ originId: node.id, divisionCode: node.divisionCode, count })) {
    // Checked and normalised as an import checks a file's rows (e.g. "0PKTAY67-7" → "0PKTAY677"), so the graph sees canonical identifiers.
    const checked = validateRecord(generated, { requireVersion: false });
    if (checked.error) throw new Error(`sample record ${generated.recordId} is invalid: ${checked.error.reason} ${checked.error.message}`);
    const record = checked.value;
    const refused = await writer.add(record);
    if (refused) throw new Error(`sample record ${record.recordId} refused: ${refused.reason} ${refused.message}`);
  }
  await writer.flush();
  return writer.accepted;
}

/** Id of the local federation's pseudonym key. */
const LOCAL_PSEUDONYM_KEY_ID = 'local-1';

/** A key file, generated (0600) unless it exists. */
function ensureKeyFile(file: string): string {
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    writeNewKeyFile(file);
  }
  return file;
}

function nodeDocument(n: PlannedNode, federation: string, listen: string, certsDir: string, endpointOf: (id: string) => string) {
  return {
    node: { id: n.id, federation },
    listen,
    store: { dataDir: 'data' },
    tls: { ca: path.join(certsDir, 'ca.crt'), cert: path.join(certsDir, `${n.id}.crt`), key: path.join(certsDir, `${n.id}.key`) },
    partners: n.partners.map((p) => ({
      id: p.id,
      kind: p.kind,
      endpoint: endpointOf(p.id),
      ...(p.push !== undefined ? { push: p.push } : {}),
      ...(p.divisions ? { divisions: [...p.divisions] } : {}),
    })),
    sync: { pollMs: 200 },
    // Signed verdicts for mutual recognition (credfed recognize)
    recognition: { signing: { cert: path.join(certsDir, `${n.id}-verdict.crt`), key: path.join(certsDir, `${n.id}-verdict.key`) } },
    agreements: n.agreements,
    // Prometheus metrics on a free loopback port (printed at start)
    metrics: { listen: '127.0.0.1:0' },
    log: { level: 'warn' },
  };
}

/** Resolves when no pushing node has pending records (or the timeout passes). */
export async function waitUntilSynced(
  fed: RunningFederation,
  timeoutMs: number,
  onTick: (pending: number) => void,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const statuses = await Promise.all([...fed.gateways.values()].map((g) => g.status()));
    const pending = statuses.reduce((sum, s) => sum + s.partners.filter((p) => p.push).reduce((a, p) => a + p.pending, 0), 0);
    onTick(pending);
    if (pending === 0) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 250));
  }
}
