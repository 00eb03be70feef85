// Mutual recognition across four real gateways over loopback mutual TLS: two
// counties sync their records to the city; the neighbouring city (city-b)
// asks its own gateway for a federated answer and gets the city's signed
// verdict built from county records; a stopped partner makes the answer
// partial; verdicts are cached until the subject's records change; a
// tampered verdict fails verification and one issued before the signer's
// certificate was rotated still verifies.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load-config.js';
import { Purpose } from '../../../src/gen/credfed/v1/agreement.js';
import { AdminClient, type AdminRecognizeBatchResponse, type AdminRecognizeResponse } from '../../../src/gen/credfed/v1/admin.js';
import type { FederationClient, RecognizeBatchResponse, RecognizeResponse } from '../../../src/gen/credfed/v1/federation.js';
import { RecordCategory, RecordStatus } from '../../../src/gen/credfed/v1/record.js';
import { CreditLevel, type Recognition, type SubjectQuery } from '../../../src/gen/credfed/v1/verdict.js';
import { ChunkWriter } from '../../../src/importer/chunk-writer.js';
import { createLogger } from '../../../src/obs/logger.js';
import { loadPersonsProtection } from '../../../src/persons/persons-protection.js';
import { issueCertificate } from '../../../src/pki/dev-ca.js';
import { loadCa } from '../../../src/pki/ca-signer.js';
import { clientCredentials } from '../../../src/pki/grpc-credentials.js';
import { loadTlsFiles } from '../../../src/pki/tls-files.js';
import { verifyVerdict } from '../../../src/pki/verdict-verify.js';
import { startGateway, type Gateway } from '../../../src/server/gateway.js';
import { enterprise, recordOf } from '../../helpers/agreement-records.js';
import { createPki, FEDERATION, federationClientAs, freePort, waitFor, writeNodeConfig, type NodeSpec, type Pki } from '../../helpers/federation-fixture.js';
import { refusal } from '../../helpers/grpc-refusal.js';
import { newUscc } from '../../helpers/id-codes.js';
import { createTestStoreConfig, type TestStoreConfig } from '../../helpers/store-fixture.js';

const FIRM = newUscc();
const STRANGER = newUscc();
const NODES = ['county-a', 'county-b', 'city', 'city-b'];

let pki: Pki;
let dir: string;
const stores = new Map<string, TestStoreConfig>();
const ports = new Map<string, number>();
const files = new Map<string, string>();
const gateways = new Map<string, Gateway>();
let adminB: AdminClient;
let adminCity: AdminClient;
let asCityB: FederationClient;

function spec(id: string): NodeSpec {
  const port = ports.get(id)!;
  const store = stores.get(id)!;
  const p = (pid: string, kind: string, extra: Record<string, unknown> = {}) => ({ id: pid, kind, port: ports.get(pid)!, ...extra });
  switch (id) {
    case 'county-a':
    case 'county-b':
      return { id, port, store, partners: [p('city', 'parent_city', { push: true })] };
    case 'city':
      // city-b may see third-party (county) records as the basis of the city's verdicts.
      return { id, port, store, partners: [p('county-a', 'child_county'), p('county-b', 'child_county'), p('city-b', 'peer_region', { relay: true, divisions: ['2105'] })] };
    default:
      return { id, port, store, partners: [p('city', 'peer_region', { divisions: ['2101'] })], recognition: { partnerDeadlineMs: 1500 } };
  }
}

async function start(id: string): Promise<Gateway> {
  const gw = await startGateway(loadConfig(files.get(id)!, {}), { log: createLogger({ level: 'error', node: id }), agreementRefreshMs: 200 });
  gateways.set(id, gw);
  return gw;
}

async function adminOf(id: string): Promise<AdminClient> {
  const tls = await loadTlsFiles(pki.certs.admins.ops!);
  return new AdminClient(`127.0.0.1:${ports.get(id)}`, clientCredentials(tls, { federation: FEDERATION, kind: 'partner', id }), {
    'grpc.ssl_target_name_override': id,
    'grpc.max_receive_message_length': 64 * 1024 * 1024,
  });
}

type Unary<Req, Res> = (req: Req, md: grpc.Metadata, opts: Partial<grpc.CallOptions>, cb: (e: grpc.ServiceError | null, res: Res) => void) => grpc.ClientUnaryCall;
function call<C, Req, Res>(client: C, method: Unary<Req, Res>, req: Req): Promise<Res> {
  return new Promise((resolve, reject) => method.call(client, req, new grpc.Metadata(), { deadline: Date.now() + 30_000 }, (e, res) => (e ? reject(e) : resolve(res))));
}

const uscc = (identifier: string): SubjectQuery => ({ identifier, scheme: 0 });
const federated = (identifier: string, client = adminB) =>
  call(client, client.recognize, { subject: uscc(identifier), purpose: Purpose.PURPOSE_BIDDING_REVIEW, reference: 'tender 2026-17', federated: true }).then((r: AdminRecognizeResponse) => r.recognition!);
const fromCity = (identifier: string) => call(asCityB, asCityB.recognize, { subject: uscc(identifier), purpose: Purpose.PURPOSE_BIDDING_REVIEW, reference: '' }).then((r: RecognizeResponse) => r.verdict!);
const trust = () => [fs.readFileSync(pki.certs.caCertFile, 'utf8')];

/** Imports records at a node and wakes its senders. */
async function importAt(id: string, records: ReturnType<typeof recordOf>[], outbox: string[]): Promise<void> {
  const gw = gateways.get(id)!;
  const writer = new ChunkWriter(gw.store, outbox, loadPersonsProtection(gw.config.persons));
  for (const r of records) expect(await writer.add(r)).toBeUndefined();
  await writer.flush();
  gw.notifyOutbox();
}

beforeAll(async () => {
  pki = await createPki(NODES, { verdictSigners: NODES });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'credfed-recognition-'));
  for (const id of NODES) {
    stores.set(id, await createTestStoreConfig());
    ports.set(id, await freePort());
  }
  for (const id of NODES) files.set(id, writeNodeConfig(pki, dir, spec(id)));
  for (const id of NODES) await start(id);
  adminB = await adminOf('city-b');
  adminCity = await adminOf('city');
  asCityB = await federationClientAs(pki.certs.nodes['city-b']!, 'city', ports.get('city')!);

  const firm = enterprise('沈阳示例建设有限公司', FIRM);
  await importAt('county-a', [recordOf(firm, { origin: 'county-a', id: 'a-1', kind: 'dishonesty' })], ['city']);
  await importAt('county-b', [recordOf(firm, { origin: 'county-b', id: 'b-1', kind: 'penalty' })], ['city']);
  await waitFor(async () => (await fromCity(FIRM)).verdict!.basis.length === 2, 30_000, 'both county records at the city');
}, 180_000);

afterAll(async () => {
  adminB?.close();
  adminCity?.close();
  asCityB?.close();
  for (const gw of gateways.values()) await gw.stop();
  for (const s of stores.values()) await s.cleanup();
});

describe('federated recognition', () => {
  it("the neighbour's federated answer holds the city's verdict built from county records, signed and verifiable", async () => {
    const r: Recognition = await federated(FIRM);
    expect(r.partial).toBe(false);
    expect(r.missing).toEqual([]);
    expect(r.asked).toEqual(['city']);
    expect(r.level).toBe(CreditLevel.CREDIT_LEVEL_DISHONEST);
    const [own, city] = r.verdicts;
    expect(own!.verdict!.issuer).toBe('city-b');
    expect(own!.verdict!.noRecords).toBe(true);
    expect(own!.verdict!.level).toBe(CreditLevel.CREDIT_LEVEL_NORMAL);
    const v = city!.verdict!;
    expect(v.issuer).toBe('city');
    expect(v.level).toBe(CreditLevel.CREDIT_LEVEL_DISHONEST);
    expect(v.agreementId).toBe('test-relay-city-b');
    expect(v.purpose).toBe(Purpose.PURPOSE_BIDDING_REVIEW);
    expect(v.basis.map((b) => [b.originId, b.recordId, b.category, b.decisive])).toEqual([
      ['county-a', 'a-1', RecordCategory.RECORD_CATEGORY_DISHONESTY_LIST, true],
      ['county-b', 'b-1', RecordCategory.RECORD_CATEGORY_ADMINISTRATIVE_PENALTY, false],
    ]);
    expect(Date.parse(v.validUntil) - Date.parse(v.issuedAt)).toBeLessThanOrEqual(300_000);
    // Anyone holding the federation's CA verifies the exact bytes received.
    for (const signed of r.verdicts) {
      const checked = verifyVerdict(signed.jws, { trust: trust() });
      expect(checked.error).toBeUndefined();
      expect(checked.value!.verdict.verdictId).toBe(signed.verdict!.verdictId);
    }
  });

  it('a tampered verdict fails verification', async () => {
    const { jws } = await fromCity(FIRM);
    const [header, payload, signature] = jws.split('.');
    const body = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8'));
    const forged = Buffer.from(JSON.stringify({ ...body, level: 'CREDIT_LEVEL_TRUSTWORTHY' })).toString('base64url');
    expect(verifyVerdict(`${header}.${forged}.${signature}`, { trust: trust() }).error?.reason).toBe('SIGNATURE_INVALID');
    expect(verifyVerdict(jws, { trust: trust() }).error).toBeUndefined();
  });

  it('an unknown identifier gets a verdict saying "no records"; a malformed one is INVALID_ARGUMENT naming the rule', async () => {
    const r = await federated(STRANGER);
    expect(r.verdicts.map((v) => [v.verdict!.issuer, v.verdict!.noRecords, v.verdict!.level])).toEqual([
      ['city-b', true, CreditLevel.CREDIT_LEVEL_NORMAL],
      ['city', true, CreditLevel.CREDIT_LEVEL_NORMAL],
    ]);
    expect(r.level).toBe(CreditLevel.CREDIT_LEVEL_NORMAL);
    const broken = `${FIRM.slice(0, 17)}${FIRM[17] === '0' ? '1' : '0'}`;
    const e = await refusal(fromCity(broken));
    expect(e.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(e.reason).toBe('IDENTIFIER_INVALID');
    expect(e.details).toMatch(/check/);
    expect((await refusal(federated(broken))).reason).toBe('IDENTIFIER_INVALID');
  });

  it('a batch answers every subject (a malformed one with its own error), 1,000 in one call, and is refused whole over 1,000', async () => {
    const subjects = [uscc(FIRM), uscc('not-an-id'), uscc(STRANGER)];
    const fed: AdminRecognizeBatchResponse = await call(adminB, adminB.recognizeBatch, { subjects, purpose: Purpose.PURPOSE_BIDDING_REVIEW, reference: '', federated: true });
    expect(fed.results.map((x) => x.outcome?.$case)).toEqual(['recognition', 'error', 'recognition']);
    const first = fed.results[0]!.outcome as { $case: 'recognition'; value: Recognition };
    expect(first.value.level).toBe(CreditLevel.CREDIT_LEVEL_DISHONEST);
    expect((fed.results[1]!.outcome as { value: { reason: string } }).value.reason).toBe('IDENTIFIER_INVALID');

    const direct: RecognizeBatchResponse = await call(asCityB, asCityB.recognizeBatch, { subjects, purpose: Purpose.PURPOSE_BIDDING_REVIEW, reference: '' });
    expect(direct.results.map((x) => x.index)).toEqual([0, 1, 2]);
    expect(direct.results.map((x) => x.outcome?.$case)).toEqual(['verdict', 'error', 'verdict']);

    // A full batch of 1,000 (about 7 MB of signed verdicts from each platform) is answered in one call, federated too.
    const full = [uscc(FIRM), ...Array.from({ length: 999 }, () => uscc(newUscc()))];
    const big: AdminRecognizeBatchResponse = await call(adminB, adminB.recognizeBatch, { subjects: full, purpose: Purpose.PURPOSE_BIDDING_REVIEW, reference: '', federated: true });
    expect(big.results).toHaveLength(1000);
    const recognitions = big.results.map((x) => (x.outcome as { $case: 'recognition'; value: Recognition }).value);
    expect(recognitions.every((x) => !x.partial && x.verdicts.length === 2)).toBe(true);
    expect(recognitions[0]!.level).toBe(CreditLevel.CREDIT_LEVEL_DISHONEST);
    expect(recognitions.slice(1).every((x) => x.verdicts.every((v) => v.verdict!.noRecords))).toBe(true);

    const tooMany = Array.from({ length: 1001 }, () => uscc(FIRM));
    const e = await refusal(call(asCityB, asCityB.recognizeBatch, { subjects: tooMany, purpose: Purpose.PURPOSE_BIDDING_REVIEW, reference: '' }));
    expect(e.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(e.reason).toBe('BATCH_TOO_LARGE');
    expect(e.details).toContain('1000');
  });

  it("a partner's question must state a purpose", async () => {
    const e = await refusal(call(asCityB, asCityB.recognize, { subject: uscc(FIRM), purpose: 0, reference: '' }));
    expect(e.code).toBe(grpc.status.PERMISSION_DENIED);
    expect(e.reason).toBe('PURPOSE_NOT_ALLOWED');
  });

  it('verdicts are cached until the subject’s records change', async () => {
    const before = await fromCity(FIRM);
    expect((await fromCity(FIRM)).verdict!.verdictId).toBe(before.verdict!.verdictId);
    const firm = enterprise('沈阳示例建设有限公司', FIRM);
    await importAt('county-b', [recordOf(firm, { origin: 'county-b', id: 'b-2', kind: 'licence' })], ['city']);
    const after = (await waitFor(async () => {
      const v = await fromCity(FIRM);
      return v.verdict!.basis.length === 3 ? v : undefined;
    }, 30_000, "the new county record in the city verdict"))!;
    expect(after.verdict!.verdictId).not.toBe(before.verdict!.verdictId);
    expect(Date.parse(after.verdict!.issuedAt)).toBeGreaterThan(Date.parse(before.verdict!.issuedAt));
  });

  it("a verdict verifies after the signer's certificate is rotated", async () => {
    const old = await fromCity(FIRM);
    // Rotate: a new verdict-signing certificate and key for the city, from the same CA; restart the city with it.
    const ca = loadCa({ certPem: fs.readFileSync(pki.certs.caCertFile, 'utf8'), keyPem: fs.readFileSync(pki.certs.caKeyFile, 'utf8') });
    const fresh = await issueCertificate({ ca, identity: { federation: FEDERATION, kind: 'partner', id: 'city' }, commonName: 'city verdict signing 2', usage: 'verdict', validDays: 30 });
    const signing = pki.certs.verdict.city!;
    fs.writeFileSync(signing.certFile, fresh.certPem);
    fs.writeFileSync(signing.keyFile, fresh.keyPem);
    await gateways.get('city')!.stop();
    await start('city');
    asCityB.close();
    asCityB = await federationClientAs(pki.certs.nodes['city-b']!, 'city', ports.get('city')!);
    const renewed = await fromCity(FIRM);
    const serial = (jws: string) => verifyVerdict(jws, { trust: trust() }).value!.signer.serial;
    expect(serial(renewed.jws)).not.toBe(serial(old.jws));
    expect(verifyVerdict(old.jws, { trust: trust() }).error).toBeUndefined();
  });

  it('a stopped partner shows up as missing in a partial answer', async () => {
    await gateways.get('city')!.stop();
    gateways.delete('city');
    const r = await federated(newUscc());
    expect(r.partial).toBe(true);
    expect(r.asked).toEqual(['city']);
    expect(r.missing.map((m) => m.partner)).toEqual(['city']);
    expect(['PARTNER_UNAVAILABLE', 'DEADLINE_EXCEEDED']).toContain(r.missing[0]!.reason);
    expect(r.verdicts.map((v) => v.verdict!.issuer)).toEqual(['city-b']);
  });
});

describe('recognition at the city for its own administrator', () => {
  it('lists every basis record and is entered in the audit log', async () => {
    await start('city');
    adminCity.close();
    adminCity = await adminOf('city');
    const r: AdminRecognizeResponse = await call(adminCity, adminCity.recognize, { subject: uscc(FIRM), purpose: Purpose.PURPOSE_ADMINISTRATIVE_LICENSING, reference: 'licence 88', federated: false });
    const v = r.recognition!.verdicts[0]!.verdict!;
    expect(v.agreementId).toBe('');
    expect(v.recordsWithheld).toBe(0);
    expect(v.basis.every((b) => b.status === RecordStatus.RECORD_STATUS_ACTIVE)).toBe(true);
    const { rows } = await gateways.get('city')!.store.query<{ method: string; purpose: string; reference: string; subject: string }>(
      `SELECT method, purpose, reference, subject FROM audit_entries WHERE method = 'Admin/Recognize' ORDER BY at DESC LIMIT 1`,
    );
    expect(rows[0]).toEqual({ method: 'Admin/Recognize', purpose: 'administrative_licensing', reference: 'licence 88', subject: FIRM });
  });
});
