// Suspending a partner in the registry while the city's gateway runs (real
// gateway over loopback mutual TLS, registry re-read every 2 s): the
// partner's open stream ends with UNAUTHENTICATED within 5 s, its new calls
// are refused (on the old connection as on a new one) and its connection is
// closed, while another partner's stream on the same gateway keeps working;
// resuming lets it call again.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FederationClient } from '../../../src/gen/credfed/v1/federation.js';
import { sampleRecord } from '../../../src/sample/sample-records.js';
import type { Gateway } from '../../../src/server/gateway.js';
import { addPartner, setPartnerStatus } from '../../../src/store/repos/partners-repo.js';
import { createPki, federationClientAs, freePort, startInProcess, waitFor, writeNodeConfig, type Pki } from '../../helpers/federation-fixture.js';
import { pushBatches } from '../../helpers/push-call.js';
import { createTestStoreConfig, type TestStoreConfig } from '../../helpers/store-fixture.js';
import { openPush } from './open-push.js';

const DEADLINE_MS = 5_000;

let pki: Pki;
let dir: string;
let cityStore: TestStoreConfig;
let city: Gateway;
let cityPort: number;
const clients: FederationClient[] = [];

beforeAll(async () => {
  pki = await createPki(['city', 'county-a', 'county-b', 'county-c', 'stranger']);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'credfed-suspend-'));
  cityStore = await createTestStoreConfig();
  cityPort = await freePort();
  city = await startInProcess(
    writeNodeConfig(pki, dir, {
      id: 'city',
      port: cityPort,
      store: cityStore,
      partners: [
        { id: 'county-a', kind: 'child_county' },
        { id: 'county-b', kind: 'child_county' },
      ],
    }),
  );
});

afterAll(async () => {
  clients.forEach((c) => c.close());
  await city?.stop();
  await cityStore?.cleanup();
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(pki.dir, { recursive: true, force: true });
});

async function clientAs(id: string): Promise<FederationClient> {
  const client = await federationClientAs(pki.certs.nodes[id]!, 'city', cityPort);
  clients.push(client);
  return client;
}

const batch = (origin: string, division: string, seq: number) => [{ seq, record: sampleRecord(origin, division, seq) }];

describe('suspending a partner while its stream is open', () => {
  let clientA: FederationClient;
  let clientB: FederationClient;

  it('ends its stream with UNAUTHENTICATED, refuses its new calls and closes its connection; other partners are not disturbed', async () => {
    clientA = await clientAs('county-a');
    clientB = await clientAs('county-b');
    const streamA = openPush(clientA);
    const streamB = openPush(clientB);
    expect(await streamA.resumeSeq()).toBe(0);
    expect(await streamB.resumeSeq()).toBe(0);
    expect((await streamA.sendAndAck(batch('county-a', '210112', 1))).accepted).toBe(1);
    expect((await streamB.sendAndAck(batch('county-b', '210124', 1))).accepted).toBe(1);

    await setPartnerStatus(city.store, 'county-a', 'suspended', { actor: 'test:ops', reason: 'suspension test' });

    const ended = await waitFor(() => streamA.ended(), DEADLINE_MS, 'the suspended partner’s stream to end');
    expect(ended).toMatchObject({ code: grpc.status.UNAUTHENTICATED, reason: 'PEER_CUT_OFF' });
    expect((ended as { details: string }).details).toContain('suspended');

    // A new call on the same client (the same channel, still on the old connection) is refused.
    const again = await pushBatches(clientA, [batch('county-a', '210112', 2)], DEADLINE_MS);
    expect(again.error).toMatchObject({ code: grpc.status.PERMISSION_DENIED, reason: 'PEER_NOT_ALLOWED' });
    expect(again.error!.details).toContain('suspended');
    expect(again.resumeSeq).toBeUndefined();

    // Its connection is closed by the gateway; a call on a new connection is refused too.
    await waitFor(() => clientA.getChannel().getConnectivityState(false) !== grpc.connectivityState.READY, DEADLINE_MS, 'the suspended partner’s connection to close');
    const onNewConnection = await pushBatches(clientA, [batch('county-a', '210112', 2)], DEADLINE_MS);
    expect(onNewConnection.error).toMatchObject({ code: grpc.status.PERMISSION_DENIED, reason: 'PEER_NOT_ALLOWED' });

    // The other partner's stream, opened before the suspension, still works.
    expect(streamB.ended()).toBeUndefined();
    expect((await streamB.sendAndAck(batch('county-b', '210124', 2))).accepted).toBe(1);
    expect(clientB.getChannel().getConnectivityState(false)).toBe(grpc.connectivityState.READY);
    streamB.close();

    // Nothing of the refused calls was stored.
    const { rows } = await city.store.query<{ n: string }>(`SELECT count(*) AS n FROM records WHERE origin_id = 'county-a'`);
    expect(Number(rows[0]!.n)).toBe(1);
  });

  it('after resume, its calls work again', async () => {
    await setPartnerStatus(city.store, 'county-a', 'active', { actor: 'test:ops' });
    const out = await waitFor(
      async () => {
        const r = await pushBatches(clientA, [batch('county-a', '210112', 2)], DEADLINE_MS);
        return r.error ? undefined : r;
      },
      DEADLINE_MS,
      'the resumed partner’s call to be accepted',
    );
    expect(out!.resumeSeq).toBe(1);
    expect(out!.acks[0]).toMatchObject({ throughSeq: 2, accepted: 1 });
  });

  it('a partner added to the registry (not in the file) may call within 5 s; one not registered may not', async () => {
    const clientC = await clientAs('county-c');
    const before = await pushBatches(clientC, [batch('county-c', '210123', 1)], DEADLINE_MS);
    expect(before.error).toMatchObject({ code: grpc.status.PERMISSION_DENIED, reason: 'PEER_UNKNOWN' });
    await addPartner(city.store, { id: 'county-c', displayName: '康平县', kind: 'child_county' }, { actor: 'test:ops' });
    const after = await waitFor(
      async () => {
        const r = await pushBatches(clientC, [batch('county-c', '210123', 1)], DEADLINE_MS);
        return r.error ? undefined : r;
      },
      DEADLINE_MS,
      'the new partner’s call to be accepted',
    );
    expect(after!.acks[0]).toMatchObject({ throughSeq: 1, accepted: 1 });
    // Registry-only partners get relay = false: a record of another origin is refused.
    const relayed = await pushBatches(clientC, [[{ seq: 2, record: sampleRecord('county-a', '210112', 99) }]], DEADLINE_MS);
    expect(relayed.acks[0]!.rejections.map((r) => r.reason)).toEqual(['RECORD_ORIGIN_MISMATCH']);

    const stranger = await pushBatches(await clientAs('stranger'), [batch('stranger', '210100', 1)], DEADLINE_MS);
    expect(stranger.error).toMatchObject({ code: grpc.status.PERMISSION_DENIED, reason: 'PEER_UNKNOWN' });
  });

  it('a partner registered as an admin party may not make partner calls', async () => {
    await city.store.query(`UPDATE partners SET kind = 'admin', revision = revision + 1 WHERE partner_id = 'county-b'`);
    const out = await waitFor(
      async () => {
        const r = await pushBatches(clientB, [batch('county-b', '210124', 3)], DEADLINE_MS);
        return r.error;
      },
      DEADLINE_MS,
      'the call to be refused',
    );
    expect(out).toMatchObject({ code: grpc.status.PERMISSION_DENIED, reason: 'PEER_NOT_ALLOWED' });
  });
});
