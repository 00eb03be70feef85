import { ownEndsOn, severityOf } from '../../core/lifecycle/publicity.js';
import { CreditRecord, ObjectionOutcome, RecordStatus } from '../../gen/credfed/v1/record.js';
import { closeObjection } from './objections-repo.js';
import { enqueue, type OutboxEntry } from './outbox-repo.js';
import type { Queryable } from './queryable.js';
import { contentHash, encodeRecord, payloadHash, timestampToIso } from './record-rows.js';
import { resolveSubjects } from './subjects-repo.js';

export type ApplyOutcome = 'accepted' | 'unchanged';

export interface ApplyOptions {
  /** Who delivered the records: a partner id, or "local" for imports. */
  readonly receivedFrom: string;
  /**
   * Local imports: the gateway assigns versions. An unchanged row keeps its
   * version; a changed row becomes the next version.
   */
  readonly assignVersions: boolean;
  /** Partners whose outbox receives every accepted version. */
  readonly outboxPartners: readonly string[];
  /**
   * The bytes each record arrived as, when it came over the wire. A record
   * that validation left unchanged is stored as received (no re-encoding, and
   * fields this version does not know are kept).
   */
  readonly payloads?: readonly (Uint8Array | undefined)[];
  /**
   * Awaited before the identifier graph writes rows these records do not
   * name (see resolveSubjects): the receiver passes "the previous batch of
   * the stream has committed".
   */
  readonly beforeSharedWrites?: () => Promise<unknown>;
  /**
   * The versions are this node's decisions about its own records (a repair,
   * a revocation, an objection marked or resolved): their stored content hash
   * stays the one of the row last imported, so importing that row again
   * changes nothing.
   */
  readonly decision?: boolean;
}

interface Existing {
  subjectId: string;
  version: number;
  hash: Buffer;
}

const key = (originId: string, recordId: string): string => `${originId}\u0000${recordId}`;

/**
 * Stores validated record versions in one transaction, idempotently on
 * (origin, record id, version): a duplicate changes nothing, a newer version
 * replaces an older one, an older or equal one never overwrites a newer one.
 * Accepted versions are queued for the given partners. Returns one outcome per input.
 */
export async function applyRecords(
  tx: Queryable,
  records: readonly CreditRecord[],
  opts: ApplyOptions,
): Promise<ApplyOutcome[]> {
  const outcomes: ApplyOutcome[] = records.map(() => 'unchanged');
  if (records.length === 0) return outcomes;
  const existing = await lockExisting(tx, records);
  const winners = new Map<string, { index: number; record: CreditRecord; hash: Buffer; payload?: Uint8Array }>();
  records.forEach((record, index) => {
    const k = key(record.originId, record.recordId);
    const payload = opts.payloads?.[index];
    const prior = winners.get(k);
    const held = existing.get(k);
    const hash = opts.decision && held ? held.hash : opts.assignVersions || !payload ? contentHash(record) : payloadHash(payload);
    const version = nextVersion(record, hash, prior?.record.version ?? held?.version, prior?.hash ?? held?.hash, opts);
    if (version === undefined) return;
    if (prior) outcomes[prior.index] = 'unchanged';
    winners.set(k, { index, record: { ...record, version }, hash, payload: version === record.version ? payload : undefined });
    outcomes[index] = 'accepted';
  });
  const accepted = [...winners.values()];
  if (accepted.length === 0) return outcomes;
  if (opts.assignVersions) await keepDecisions(tx, accepted.filter((w) => existing.has(key(w.record.originId, w.record.recordId))));
  // Every accepted version feeds the identifier graph (a new version may name
  // the subject by more identifiers); a record keeps the subject it was first stored under.
  const resolved = await resolveSubjects(
    tx,
    accepted.map((w) => ({ subject: w.record.subject!, source: opts.receivedFrom, ref: `${w.record.originId}/${w.record.recordId}` })),
    opts.beforeSharedWrites,
  );
  const rows = accepted.map((w, i) => {
    const k = key(w.record.originId, w.record.recordId);
    const payload = w.payload ? Buffer.from(w.payload.buffer, w.payload.byteOffset, w.payload.byteLength) : encodeRecord(w.record);
    return { ...w, subjectId: existing.get(k)?.subjectId ?? resolved[i]!, payload };
  });
  await upsertRows(tx, rows, opts.receivedFrom);
  // A version carrying an objection's outcome closes the objection wherever it is held.
  for (const r of rows) {
    const change = r.record.statusChange;
    if (change?.objectionId && change.outcome !== ObjectionOutcome.OBJECTION_OUTCOME_UNSPECIFIED) {
      await closeObjection(tx, { objectionId: change.objectionId, originId: r.record.originId, recordId: r.record.recordId, outcome: change.outcome, resolution: change.reason });
    }
  }
  const entries: OutboxEntry[] = rows.map((r) => ({
    originId: r.record.originId,
    recordId: r.record.recordId,
    version: r.record.version,
    payload: r.payload,
  }));
  for (const partner of opts.outboxPartners) {
    if (partner !== opts.receivedFrom) await enqueue(tx, partner, entries);
  }
  return outcomes;
}

/** Statuses this node decides about its own records (Admin API), which an import never undoes. */
const DECIDED: readonly number[] = [RecordStatus.RECORD_STATUS_DISPUTED, RecordStatus.RECORD_STATUS_REPAIRED, RecordStatus.RECORD_STATUS_REVOKED];

/**
 * A changed row imported for a record this node decided about (repaired,
 * revoked, disputed by an open objection) keeps that decision: the import
 * changes the content, not the standing. A row that states a status of its
 * own other than active keeps it.
 */
async function keepDecisions(tx: Queryable, changed: { record: CreditRecord }[]): Promise<void> {
  const active = changed.filter((w) => w.record.status === RecordStatus.RECORD_STATUS_ACTIVE);
  if (active.length === 0) return;
  const { rows } = await tx.query<{ origin_id: string; record_id: string; payload: Uint8Array }>(
    `SELECT r.origin_id, r.record_id, r.payload FROM records r
       JOIN unnest($1::text[], $2::text[]) AS u(origin_id, record_id) ON r.origin_id = u.origin_id AND r.record_id = u.record_id
      WHERE r.status = ANY($3::smallint[])`,
    [active.map((w) => w.record.originId), active.map((w) => w.record.recordId), DECIDED],
  );
  const decided = new Map(rows.map((r) => [key(r.origin_id, r.record_id), CreditRecord.decode(r.payload)]));
  for (const w of active) {
    const held = decided.get(key(w.record.originId, w.record.recordId));
    if (held?.statusChange && DECIDED.includes(held.status)) w.record = { ...w.record, status: held.status, statusChange: held.statusChange };
  }
}

/** The version to store, or undefined when the input changes nothing. */
function nextVersion(
  record: CreditRecord,
  hash: Buffer,
  heldVersion: number | undefined,
  heldHash: Buffer | undefined,
  opts: ApplyOptions,
): number | undefined {
  if (opts.assignVersions) {
    if (heldVersion === undefined) return Math.max(record.version, 1);
    if (heldHash && heldHash.equals(hash)) return undefined;
    return Math.max(heldVersion + 1, record.version);
  }
  if (heldVersion !== undefined && record.version <= heldVersion) return undefined;
  return record.version;
}

async function lockExisting(tx: Queryable, records: readonly CreditRecord[]): Promise<Map<string, Existing>> {
  const { rows } = await tx.query<{ origin_id: string; record_id: string; subject_id: string; version: string; content_hash: Buffer }>(
    `SELECT r.origin_id, r.record_id, r.subject_id, r.version, r.content_hash
       FROM records r
       JOIN unnest($1::text[], $2::text[]) AS u(origin_id, record_id)
         ON r.origin_id = u.origin_id AND r.record_id = u.record_id
      ORDER BY r.origin_id, r.record_id
      FOR UPDATE OF r`,
    [records.map((r) => r.originId), records.map((r) => r.recordId)],
  );
  return new Map(
    rows.map((r) => [key(r.origin_id, r.record_id), { subjectId: r.subject_id, version: Number(r.version), hash: r.content_hash }]),
  );
}

/**
 * Inserts or replaces record rows. Hashes and payloads travel as one binary
 * parameter each, cut apart by offset in SQL: node-postgres sends a Buffer as
 * binary, but an array of them as hex text that both sides must convert.
 */
async function upsertRows(
  tx: Queryable,
  rows: readonly { record: CreditRecord; hash: Buffer; subjectId: string; payload: Buffer }[],
  receivedFrom: string,
): Promise<void> {
  const col = <T>(f: (r: (typeof rows)[number]) => T): T[] => rows.map(f);
  const offsets: number[] = [];
  let next = 1;
  for (const r of rows) (offsets.push(next), (next += r.payload.length));
  await tx.query(
    `INSERT INTO records (subject_id, origin_id, record_id, version, category, status, disclosure,
                          decision_date, reported_at, received_from, content_hash, payload, severity, ends_on)
     SELECT s, o, r, v, c, st, d, dd, ra, $10,
            substring($11::bytea from (n::int - 1) * 32 + 1 for 32), substring($12::bytea from off for len), sv, eo
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::bigint[], $5::smallint[], $6::smallint[],
                   $7::smallint[], $8::date[], $9::timestamptz[], $13::int[], $14::int[], $15::smallint[], $16::date[])
            WITH ORDINALITY AS u(s, o, r, v, c, st, d, dd, ra, off, len, sv, eo, n)
     ON CONFLICT (subject_id, origin_id, record_id) DO UPDATE
       SET version = EXCLUDED.version, category = EXCLUDED.category, status = EXCLUDED.status,
           disclosure = EXCLUDED.disclosure, decision_date = EXCLUDED.decision_date,
           reported_at = EXCLUDED.reported_at, received_from = EXCLUDED.received_from,
           received_at = now(), content_hash = EXCLUDED.content_hash, payload = EXCLUDED.payload,
           severity = EXCLUDED.severity, ends_on = EXCLUDED.ends_on
       WHERE records.version < EXCLUDED.version`,
    [
      col((r) => r.subjectId),
      col((r) => r.record.originId),
      col((r) => r.record.recordId),
      col((r) => r.record.version),
      col((r) => r.record.category),
      col((r) => r.record.status),
      col((r) => r.record.disclosure),
      col((r) => r.record.decisionDate),
      col((r) => timestampToIso(r.record.reportedAt)),
      receivedFrom,
      Buffer.concat(col((r) => r.hash)),
      Buffer.concat(col((r) => r.payload)),
      offsets,
      col((r) => r.payload.length),
      col((r) => severityOf(r.record)),
      col((r) => ownEndsOn(r.record) ?? null),
    ],
  );
}
