// Logs and request ids of calls on a real gateway over loopback mutual TLS
// (issue 9, point 2): every call answers with an x-request-id (the caller's
// own when well formed, else a new one) and its log lines carry it; pushing a
// natural person's record with a clear resident identity number leaves
// neither the number nor the person's name in any log line.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load-config.js';
import { QueryRecordsRequest, type FederationClient } from '../../../src/gen/credfed/v1/federation.js';
import { IdentifierScheme, SubjectKind } from '../../../src/gen/credfed/v1/subject.js';
import { createLogger } from '../../../src/obs/logger.js';
import { sampleRecord } from '../../../src/sample/sample-records.js';
import { startGateway, type Gateway } from '../../../src/server/gateway.js';
import { createPki, federationClientAs, freePort, waitFor, writeNodeConfig, type Pki } from '../../helpers/federation-fixture.js';
import { pushBatches } from '../../helpers/push-call.js';
import { createTestStoreConfig, type TestStoreConfig } from '../../helpers/store-fixture.js';

const RIC = '11010519491231002X';
const NAME = '王芳';

let pki: Pki;
let dir: string;
let store: TestStoreConfig;
let gateway: Gateway;
let client: FederationClient;
let logText = '';

const lines = () =>
  logText
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

/** ListAuditEntries with `metadata`: the x-request-id of the response's initial metadata and the status code. */
function listAudit(metadata: grpc.Metadata): Promise<{ requestId: string | undefined; code: number }> {
  return new Promise((resolve) => {
    let requestId: string | undefined;
    const call = client.listAuditEntries({ pageSize: 1, pageToken: '' } as never, metadata, (e) => resolve({ requestId, code: e ? e.code : grpc.status.OK }));
    call.on('metadata', (md: grpc.Metadata) => (requestId = md.get('x-request-id')[0] as string | undefined));
  });
}

beforeAll(async () => {
  pki = await createPki(['city', 'neighbour']);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'credfed-call-logs-'));
  store = await createTestStoreConfig();
  const port = await freePort();
  const file = writeNodeConfig(pki, dir, { id: 'city', port, store, partners: [{ id: 'neighbour', kind: 'peer_region' }] });
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      logText += chunk.toString('utf8');
      done();
    },
  });
  gateway = await startGateway(loadConfig(file, {}), { log: createLogger({ level: 'debug', node: 'city', destination }) });
  client = await federationClientAs(pki.certs.nodes['neighbour']!, 'city', port);
}, 120_000);

afterAll(async () => {
  client?.close();
  await gateway?.stop();
  await store?.cleanup();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('request ids', () => {
  it('a call without one gets a new one in its response metadata, and its log lines carry it', async () => {
    const answer = await listAudit(new grpc.Metadata());
    expect(answer.code).toBe(grpc.status.OK);
    expect(answer.requestId).toMatch(/^[0-9a-f-]{36}$/);
    await waitFor(() => lines().some((l) => l.requestId === answer.requestId && l.method === 'ListAuditEntries'), 5_000, 'a log line of the call');
  });

  it('a well-formed x-request-id of the caller is echoed and logged; a malformed one is replaced', async () => {
    const given = new grpc.Metadata();
    given.set('x-request-id', 'bid-office.2026-12-05_0001');
    expect(await listAudit(given)).toEqual({ requestId: 'bid-office.2026-12-05_0001', code: grpc.status.OK });
    await waitFor(() => lines().some((l) => l.requestId === 'bid-office.2026-12-05_0001'), 5_000, 'the given request id logged');

    const bad = new grpc.Metadata();
    bad.set('x-request-id', `spaces and ${'x'.repeat(70)}`);
    const replaced = await listAudit(bad);
    expect(replaced.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(logText).not.toContain('spaces and');
  });

  it('a refused call carries its request id too', async () => {
    const given = new grpc.Metadata();
    given.set('x-request-id', 'refused-1');
    let requestId: string | undefined;
    const code = await new Promise<number>((resolve) => {
      // No purpose stated: refused under the agreement.
      const call = client.queryRecords(QueryRecordsRequest.fromPartial({}), given, (e) => resolve(e ? e.code : grpc.status.OK));
      call.on('metadata', (md: grpc.Metadata) => (requestId = md.get('x-request-id')[0] as string | undefined));
    });
    expect(code).not.toBe(grpc.status.OK);
    expect(requestId).toBe('refused-1');
    await waitFor(() => lines().some((l) => l.requestId === 'refused-1' && l.level === 40), 5_000, 'the refusal logged with the request id');
  });
});

describe('personal data', () => {
  it('pushing a person with a clear resident identity number logs neither the number nor the name', async () => {
    const record = {
      ...sampleRecord('neighbour', '210112', 1),
      version: 1,
      subject: { kind: SubjectKind.SUBJECT_KIND_NATURAL_PERSON, name: NAME, identifiers: [{ scheme: IdentifierScheme.IDENTIFIER_SCHEME_RESIDENT_ID, value: RIC, masked: '' }], legalRepresentative: '' },
    };
    // A second one whose number fails its check: rejected, and still not logged.
    const wrong = { ...record, recordId: `${record.recordId}-b`, subject: { ...record.subject, identifiers: [{ ...record.subject.identifiers[0]!, value: `${RIC.slice(0, 17)}1` }] } };
    const out = await pushBatches(client, [[{ seq: 1, record }, { seq: 2, record: wrong }]]);
    expect(out.error).toBeUndefined();
    expect(out.acks[0]!.accepted).toBeGreaterThanOrEqual(1);
    await waitFor(() => lines().some((l) => l.method === 'PushRecords'), 5_000, 'log lines of the push');
    expect(logText).not.toContain(RIC.slice(0, 17));
    expect(logText).not.toContain(NAME);
  });
});
