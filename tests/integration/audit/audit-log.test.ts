// The hash-chained audit log on the store: group commit under concurrent
// appends, and `verify` catching every kind of tampering done directly in
// the table (modified, deleted in the middle and at the end, inserted,
// reordered), pruning that leaves a signed checkpoint verification accepts,
// and a tampered checkpoint refused.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditLog } from '../../../src/audit/audit-log.js';
import { pruneAudit } from '../../../src/audit/audit-prune.js';
import { verifyAudit } from '../../../src/audit/audit-verify.js';
import { listEntries } from '../../../src/audit/audit-entries.js';
import type { AuditEvent } from '../../../src/core/audit/audit-event.js';
import { entryHash } from '../../../src/core/audit/entry-hash.js';
import { PremiseFailed, type Premise } from '../../../src/core/audit/premise.js';
import { IdentifierScheme } from '../../../src/gen/credfed/v1/subject.js';
import { ChunkWriter } from '../../../src/importer/chunk-writer.js';
import { appendIfHead } from '../../../src/store/repos/audit-repo.js';
import { subjectStates } from '../../../src/store/repos/records-in-force-repo.js';
import { enterprise, recordOf } from '../../helpers/agreement-records.js';
import { newUscc } from '../../helpers/id-codes.js';
import { ensureDevCertificates } from '../../../src/pki/dev-certs.js';
import { createTestStore, type TestStore } from '../../helpers/store-fixture.js';

const event = (i: number, over: Partial<AuditEvent> = {}): AuditEvent => ({
  at: new Date(Date.UTC(2026, 0, 1) + i * 60_000),
  actor: `partner/city-${i % 2 ? 'b' : 'c'}`,
  partner: `city-${i % 2 ? 'b' : 'c'}`,
  method: 'Federation/QueryRecords',
  purpose: 'bidding_review',
  subject: '91210100MA0XXXXXX1',
  decision: 'allow',
  agreementId: 'b-query',
  agreementVersion: 1,
  recordsReturned: i,
  ...over,
});

let t: TestStore;
let log: AuditLog;

async function fill(n: number): Promise<void> {
  for (let i = 1; i <= n; i++) await log.append(event(i));
}

const firstProblem = async () => {
  const report = await verifyAudit(t.store);
  return report.problems.map((p) => ({ seq: p.seq, kind: p.kind }));
};

beforeEach(async () => {
  t = await createTestStore();
  log = await AuditLog.open(t.store, { nodeId: 'city' });
});
afterEach(async () => {
  await log?.close();
  await t?.cleanup();
});

describe('appending', () => {
  it('writes 200 concurrent appends as one gap-free valid chain (group commit)', async () => {
    const entries = await Promise.all(Array.from({ length: 200 }, (_, i) => log.append(event(i + 1))));
    expect(entries.map((e) => e.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    const report = await verifyAudit(t.store);
    expect(report).toMatchObject({ chains: 1, entries: 200, problems: [] });
  });

  it('keeps one chain per process; both verify', async () => {
    const other = await AuditLog.open(t.store, { nodeId: 'city' });
    await fill(3);
    await other.append(event(9));
    expect(await verifyAudit(t.store)).toMatchObject({ chains: 2, entries: 4, problems: [] });
  });

  it('keeps appends arriving over many turns, some while a commit is in flight, in one gap-free chain', async () => {
    const entries = await Promise.all(
      Array.from({ length: 120 }, async (_, i) => {
        for (let k = 0; k < i % 7; k++) await new Promise((resolve) => setImmediate(resolve));
        return log.append(event(i + 1));
      }),
    );
    expect(entries.map((e) => e.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 120 }, (_, i) => i + 1));
    expect(await verifyAudit(t.store)).toMatchObject({ chains: 1, entries: 120, problems: [] });
  });

  it('two writers misusing one chain never fork it: a refused batch is linked again from the stored head', async () => {
    const other = await AuditLog.open(t.store, { nodeId: 'city', chain: log.chain });
    const settled = await Promise.allSettled(
      Array.from({ length: 80 }, async (_, i) => {
        for (let k = 0; k < i % 5; k++) await new Promise((resolve) => setImmediate(resolve));
        return (i % 2 ? other : log).append(event(i + 1));
      }),
    );
    await other.close();
    const written = settled.filter((s) => s.status === 'fulfilled');
    expect(settled.filter((s) => s.status === 'rejected').map((s) => String(s.reason))).toEqual([]);
    const report = await verifyAudit(t.store);
    expect(report).toMatchObject({ chains: 1, entries: written.length, problems: [] });
    expect(written.map((s) => s.value.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: written.length }, (_, i) => i + 1));
  });

  it('regression: a batch linked to a head another writer replaced at the same seq is refused, not written as a fork', async () => {
    const first = await log.append(event(1));
    const staleHash = 'f'.repeat(64);
    const forked = { ...event(2), chain: log.chain, seq: first.seq + 1, prevHash: staleHash, hash: entryHash(log.chain, first.seq + 1, staleHash, event(2)) };
    expect(await appendIfHead(t.store, log.chain, [forked])).toBe(false);
    const linked = { ...forked, prevHash: first.hash, hash: entryHash(log.chain, first.seq + 1, first.hash, event(2)) };
    expect(await appendIfHead(t.store, log.chain, [linked])).toBe(true);
    expect(await verifyAudit(t.store)).toMatchObject({ chains: 1, entries: 2, problems: [] });
  });

  it('lists a partner\'s entries by time, a page at a time', async () => {
    await fill(6);
    const first = await listEntries(t.store, { partner: 'city-b' }, { size: 2 });
    const rest = await listEntries(t.store, { partner: 'city-b' }, { size: 2, pageToken: first.nextPageToken });
    expect([...first.items, ...rest.items].map((e) => e.recordsReturned)).toEqual([1, 3, 5]);
    const window = await listEntries(t.store, { from: event(2).at, to: event(4).at }, { size: 10 });
    expect(window.items.map((e) => e.seq)).toEqual([2, 3]);
  });
});

describe('appending with premises (an answer given from memory)', () => {
  const USCC = IdentifierScheme.IDENTIFIER_SCHEME_USCC;
  const store = async (...records: ReturnType<typeof recordOf>[]) => {
    const writer = new ChunkWriter(t.store, []);
    for (const r of records) expect(await writer.add(r)).toBeUndefined();
    await writer.flush();
  };
  /** The premise an answer about `uscc` would rest on now. */
  const premiseOf = async (uscc: string): Promise<Premise> => {
    const held = [...(await subjectStates(t.store, [{ scheme: USCC, value: uscc }])).values()][0]!;
    return { scheme: USCC, value: uscc, ...held };
  };

  it('writes the entry while its premise holds; refuses only the entry whose premise failed, writing the rest of its batch', async () => {
    const [a, b] = [newUscc(), newUscc()];
    await store(recordOf(enterprise('甲公司', a), { origin: 'city', id: 'a-1', kind: 'penalty' }), recordOf(enterprise('乙公司', b), { origin: 'city', id: 'b-1', kind: 'licence' }));
    const [aBefore, bNow] = [await premiseOf(a), await premiseOf(b)];
    expect((await log.append(event(1), [aBefore])).seq).toBe(1);

    await store(recordOf(enterprise('甲公司', a), { origin: 'city', id: 'a-2', kind: 'dishonesty' }));
    const settled = await Promise.allSettled([log.append(event(2), [aBefore]), log.append(event(3), [bNow]), log.append(event(4))]);
    expect(settled[0]).toMatchObject({ status: 'rejected', reason: expect.any(PremiseFailed) });
    expect((settled[0] as PromiseRejectedResult).reason.premise).toEqual(aBefore);
    expect(settled.slice(1).map((s) => s.status === 'fulfilled' && s.value.recordsReturned)).toEqual([3, 4]);

    expect((await log.append(event(5), [await premiseOf(a)])).seq).toBe(4);
    const { items } = await listEntries(t.store, {}, { size: 10 });
    expect(items.map((e) => e.recordsReturned).sort()).toEqual([1, 3, 4, 5]);
    expect(await verifyAudit(t.store)).toMatchObject({ chains: 1, entries: 4, problems: [] });
  });

  it('refuses an entry whose identifier no longer names the subject it named, or names none', async () => {
    const a = newUscc();
    await store(recordOf(enterprise('丙公司', a), { origin: 'city', id: 'c-1', kind: 'penalty' }));
    const held = await premiseOf(a);
    const otherSubject = { ...held, subjectId: '00000000-0000-4000-8000-000000000001' };
    const unlinked = { ...held, value: newUscc() };
    for (const premise of [otherSubject, unlinked]) await expect(log.append(event(1), [premise])).rejects.toBeInstanceOf(PremiseFailed);
    expect(await verifyAudit(t.store)).toMatchObject({ entries: 0, problems: [] });
  });
});

describe('verify catches tampering done directly in the table', () => {
  beforeEach(async () => {
    await fill(6);
    expect(await firstProblem()).toEqual([]);
  });

  it('a modified field', async () => {
    await t.store.query(`UPDATE audit_entries SET purpose = 'financing' WHERE seq = 3`);
    expect(await firstProblem()).toEqual([{ seq: 3, kind: 'modified' }]);
  });

  it('a deleted entry in the middle', async () => {
    await t.store.query(`DELETE FROM audit_entries WHERE seq = 4`);
    expect(await firstProblem()).toEqual([{ seq: 4, kind: 'deleted' }]);
  });

  it('the last entry deleted', async () => {
    await t.store.query(`DELETE FROM audit_entries WHERE seq = 6`);
    expect(await firstProblem()).toEqual([{ seq: 6, kind: 'deleted' }]);
  });

  it('an entry inserted, even with a correct hash', async () => {
    const [last] = (await listEntries(t.store, {}, { size: 100 })).items.slice(-1);
    const forged = event(7, { decision: 'deny' });
    const hash = entryHash(last!.chain, 7, last!.hash, forged);
    await t.store.query(
      `INSERT INTO audit_entries (chain, seq, at, actor, partner, method, decision, prev_hash, hash) VALUES ($1, 7, $2, $3, $4, $5, 'deny', $6, $7)`,
      [last!.chain, forged.at, forged.actor, forged.partner, forged.method, last!.hash, hash],
    );
    expect(await firstProblem()).toEqual([{ seq: 7, kind: 'inserted' }]);
  });

  it('two entries reordered', async () => {
    const cols = 'at, actor, partner, method, purpose, subject, decision, agreement_id, agreement_version, records_returned, prev_hash, hash';
    await t.store.query(`CREATE TEMP TABLE swap AS SELECT seq, ${cols} FROM audit_entries WHERE seq IN (2, 3)`);
    await t.store.query(
      `UPDATE audit_entries a SET (${cols}) = (SELECT ${cols} FROM swap s WHERE s.seq = CASE a.seq WHEN 2 THEN 3 ELSE 2 END) WHERE a.seq IN (2, 3)`,
    );
    await t.store.query(`DROP TABLE swap`);
    expect(await firstProblem()).toEqual([{ seq: 2, kind: 'reordered' }]);
  });
});

describe('pruning', () => {
  it('leaves a signed checkpoint that verification accepts; a tampered one is refused', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'credfed-audit-prune-'));
    try {
      const certs = await ensureDevCertificates({ dir, federation: 'demo', nodes: ['city'], admins: [] });
      const city = certs.nodes.city!;
      await fill(6);
      const pruned = await pruneAudit(t.store, { before: event(4).at, keyPem: fs.readFileSync(city.keyFile, 'utf8'), certPem: fs.readFileSync(city.certFile, 'utf8') });
      expect(pruned).toEqual([{ chain: log.chain, throughSeq: 3, pruned: 3 }]);
      expect(await verifyAudit(t.store)).toMatchObject({ entries: 3, problems: [] });
      await log.append(event(7));
      expect(await firstProblem()).toEqual([]);
      await t.store.query(`UPDATE audit_checkpoints SET pruned = 2`);
      expect(await firstProblem()).toEqual([{ seq: 3, kind: 'checkpoint' }]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
