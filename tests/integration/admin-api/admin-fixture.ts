/**
 * A gateway whose federation CA lives in its own store (credfed ca init), an
 * admin certificate and a partner certificate issued by it, and an Admin
 * client over real mutual TLS — for the Admin API tests.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import YAML from 'yaml';
import { initCa } from '../../../src/ca/ca-init.js';
import { unlockCa } from '../../../src/ca/ca-unlock.js';
import { issueCertificate } from '../../../src/ca/issue-certificate.js';
import { publishCrl } from '../../../src/ca/publish-crl.js';
import { systemClock } from '../../../src/core/clock.js';
import { AdminClient } from '../../../src/gen/credfed/v1/admin.js';
import { reasonOf } from '../../../src/grpc/to-grpc-error.js';
import { clientCredentials } from '../../../src/pki/grpc-credentials.js';
import { privateKeyToPem } from '../../../src/pki/key-pair.js';
import { loadTlsFiles } from '../../../src/pki/tls-files.js';
import { addPartner } from '../../../src/store/repos/partners-repo.js';
import { openStore } from '../../../src/store/store.js';
import type { Gateway } from '../../../src/server/gateway.js';
import { freePort, startInProcess } from '../../helpers/federation-fixture.js';
import type { TestStoreConfig } from '../../helpers/store-fixture.js';

export const FEDERATION = 'demo';
export const NODE_ID = 'city';
export const PASSPHRASE = 'correct horse battery staple';

export interface AdminPki {
  readonly dir: string;
  readonly caFile: string;
  /** Certificate and key files by name: city (gateway), ops (admin), county-a (partner). */
  readonly files: Record<'city' | 'ops' | 'county-a', { certFile: string; keyFile: string }>;
  readonly passphraseFile: string;
}

/** Initialises the CA in the store, registers county-a, issues the three certificates and a first CRL. */
export async function createAdminPki(store: Pick<TestStoreConfig, 'dataDir' | 'databaseUrl'>): Promise<AdminPki> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'credfed-admin-api-'));
  const s = await openStore({ dataDir: store.dataDir, databaseUrl: store.databaseUrl });
  try {
    const ctx = { store: s, federation: FEDERATION, nodeId: NODE_ID, clock: systemClock };
    const facts = await initCa(ctx, { passphrase: PASSPHRASE });
    const unlocked = await unlockCa(s, FEDERATION, PASSPHRASE);
    await addPartner(s, { id: 'county-a', displayName: 'County A', kind: 'child_county' }, { actor: 'test' });
    const write = async (name: 'city' | 'ops' | 'county-a', profile: 'tls' | 'admin') => {
      const issued = await issueCertificate(ctx, unlocked, {
        profile,
        id: name,
        key: { kind: 'generate' },
        ...(profile === 'tls' ? { dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] } : {}),
      });
      const certFile = path.join(dir, `${name}.crt`);
      const keyFile = path.join(dir, `${name}.key`);
      fs.writeFileSync(certFile, issued.row.certPem);
      fs.writeFileSync(keyFile, privateKeyToPem(issued.privateKey!), { mode: 0o600 });
      return { certFile, keyFile };
    };
    const files = { city: await write('city', 'tls'), ops: await write('ops', 'admin'), 'county-a': await write('county-a', 'tls') };
    await publishCrl(ctx, unlocked);
    const caFile = path.join(dir, 'ca.pem');
    fs.writeFileSync(caFile, facts.certPem);
    const passphraseFile = path.join(dir, 'ca.pass');
    fs.writeFileSync(passphraseFile, `${PASSPHRASE}\n`, { mode: 0o600 });
    return { dir, caFile, files, passphraseFile };
  } finally {
    await s.close();
  }
}

/** Writes the gateway's configuration (with or without ca.passphraseFile) and starts it in this process. */
export async function startAdminGateway(
  pki: AdminPki,
  store: Pick<TestStoreConfig, 'dataDir' | 'databaseUrl'>,
  opts: { passphrase: boolean },
): Promise<{ gateway: Gateway; port: number }> {
  const port = await freePort();
  const doc = {
    node: { id: NODE_ID, federation: FEDERATION },
    listen: `127.0.0.1:${port}`,
    store: store.databaseUrl ? { databaseUrl: store.databaseUrl } : { dataDir: store.dataDir },
    tls: { ca: pki.caFile, cert: pki.files.city.certFile, key: pki.files.city.keyFile },
    ...(opts.passphrase ? { ca: { passphraseFile: pki.passphraseFile } } : {}),
    log: { level: 'warn' },
  };
  const file = path.join(pki.dir, `city-${port}.yaml`);
  fs.writeFileSync(file, YAML.stringify(doc));
  return { gateway: await startInProcess(file), port };
}

/** An Admin client presenting `as`'s certificate. */
export async function adminClient(pki: AdminPki, as: 'ops' | 'county-a', port: number): Promise<AdminClient> {
  const tls = await loadTlsFiles({ caFile: pki.caFile, ...pki.files[as] });
  return new AdminClient(`127.0.0.1:${port}`, clientCredentials(tls, { federation: FEDERATION, kind: 'partner', id: NODE_ID }), {
    'grpc.ssl_target_name_override': NODE_ID,
  });
}

type Unary<Req, Res> = (req: Req, md: grpc.Metadata, opts: Partial<grpc.CallOptions>, cb: (e: grpc.ServiceError | null, res: Res) => void) => grpc.ClientUnaryCall;

/** Calls one unary method; rejects with the ServiceError. */
export function call<Req, Res>(client: AdminClient, method: Unary<Req, Res>, req: Req, timeoutMs = 30_000): Promise<Res> {
  return new Promise((resolve, reject) =>
    method.call(client, req, new grpc.Metadata(), { deadline: Date.now() + timeoutMs }, (e, res) => (e ? reject(e) : resolve(res))),
  );
}

/** The gRPC status and credfed-reason of a refused call. */
export async function refusal(p: Promise<unknown>): Promise<{ code: grpc.status; reason: string | undefined }> {
  try {
    await p;
  } catch (e) {
    return { code: (e as grpc.ServiceError).code, reason: reasonOf(e) };
  }
  throw new Error('the call succeeded');
}
