/** SQL of the audit log (migration 0009): chains, entries, checkpoints. */
import type { AuditEntry } from '../../core/audit/audit-event.js';
import type { Premise } from '../../core/audit/premise.js';
import type { Queryable } from './queryable.js';
import { IN_FORCE, subjectStatesSql } from './records-in-force-repo.js';

export const ENTRY_COLUMNS =
  'chain, seq, at, actor, partner, certificate_fingerprint, method, purpose, subject, reference, decision, reason, agreement_id, agreement_version, records_returned, records_accepted, records_rejected, prev_hash, hash';

export interface EntryRow {
  chain: string;
  seq: string;
  at: Date;
  actor: string;
  partner: string | null;
  certificate_fingerprint: string | null;
  method: string;
  purpose: string | null;
  subject: string | null;
  reference: string | null;
  decision: 'allow' | 'deny';
  reason: string | null;
  agreement_id: string | null;
  agreement_version: string | null;
  records_returned: string | null;
  records_accepted: string | null;
  records_rejected: string | null;
  prev_hash: string;
  hash: string;
}

const num = (v: string | null) => (v === null ? undefined : Number(v));
const opt = <K extends string>(k: K, v: string | number | undefined | null) => (v === null || v === undefined ? {} : ({ [k]: v } as Record<K, string | number>));

export function entryFromRow(r: EntryRow): AuditEntry {
  return {
    chain: r.chain,
    seq: Number(r.seq),
    at: r.at,
    actor: r.actor,
    ...opt('partner', r.partner),
    ...opt('certificateFingerprint', r.certificate_fingerprint),
    method: r.method,
    ...opt('purpose', r.purpose),
    ...opt('subject', r.subject),
    ...opt('reference', r.reference),
    decision: r.decision,
    ...opt('reason', r.reason),
    ...opt('agreementId', r.agreement_id),
    ...opt('agreementVersion', num(r.agreement_version)),
    ...opt('recordsReturned', num(r.records_returned)),
    ...opt('recordsAccepted', num(r.records_accepted)),
    ...opt('recordsRejected', num(r.records_rejected)),
    prevHash: r.prev_hash,
    hash: r.hash,
  } as AuditEntry;
}

/** Inserts entries in one statement. */
export async function insertEntries(tx: Queryable, entries: readonly AuditEntry[]): Promise<void> {
  await tx.query(`INSERT INTO audit_entries (${ENTRY_COLUMNS}) ${SELECT_COLUMNS(1)}`, entryColumns(entries));
}

const COLUMN_TYPES = ['text', 'bigint', 'timestamptz', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'bigint', 'bigint', 'bigint', 'bigint', 'text', 'text'];

/**
 * Appends entries and moves the chain's head in ONE statement (atomic without
 * a transaction: one round trip), only if the head is still the entry the
 * first of them links to — same seq AND same hash, so a batch linked to an
 * entry that another writer's commit replaced at that seq is refused, never
 * written as a fork. Returns whether it was written (false: nothing was).
 */
export async function appendIfHead(q: Queryable, chain: string, entries: readonly AuditEntry[]): Promise<boolean> {
  const first = entries[0]!;
  const last = entries[entries.length - 1]!;
  const { rowCount } = await q.query(
    `WITH head AS (UPDATE audit_chains SET last_seq = $2, last_hash = $3 WHERE chain = $1 AND last_seq = $4 AND last_hash = $5 RETURNING 1)
     INSERT INTO audit_entries (${ENTRY_COLUMNS}) ${SELECT_COLUMNS(6)} WHERE EXISTS (SELECT 1 FROM head)`,
    [chain, last.seq, last.hash, first.seq - 1, first.prevHash, ...entryColumns(entries)],
    'audit_append_if_linked',
  );
  return rowCount === entries.length;
}

/**
 * As `appendIfHead`, and only if every premise still holds (the identifier
 * names the same subject, in the same records state), checked in the same
 * statement. Returns whether the entries were written and the indexes of the
 * premises that no longer hold (then nothing was written).
 */
export async function appendIfHeadAndPremises(
  q: Queryable,
  chain: string,
  entries: readonly AuditEntry[],
  premises: readonly Premise[],
): Promise<{ written: boolean; failed: number[] }> {
  const first = entries[0]!;
  const last = entries[entries.length - 1]!;
  const { rows } = await q.query<{ written: number; failed: number[] }>(
    `WITH premise AS (SELECT * FROM unnest($6::smallint[], $7::text[], $8::uuid[], $9::text[]) WITH ORDINALITY AS p(scheme, value, subject_id, state, n)),
          held AS (${subjectStatesSql('premise u', '$10')}),
          failed AS (SELECT p.n FROM premise p LEFT JOIN held ON held.n = p.n
                      WHERE held.subject_id IS DISTINCT FROM p.subject_id OR held.state IS DISTINCT FROM p.state),
          head AS (UPDATE audit_chains SET last_seq = $2, last_hash = $3
                    WHERE chain = $1 AND last_seq = $4 AND last_hash = $5 AND NOT EXISTS (SELECT 1 FROM failed) RETURNING 1),
          written AS (INSERT INTO audit_entries (${ENTRY_COLUMNS}) ${SELECT_COLUMNS(11)} WHERE EXISTS (SELECT 1 FROM head) RETURNING 1)
     SELECT (SELECT count(*) FROM written)::int AS written, ARRAY(SELECT n - 1 FROM failed ORDER BY n)::int[] AS failed`,
    [
      chain, last.seq, last.hash, first.seq - 1, first.prevHash,
      premises.map((p) => p.scheme), premises.map((p) => p.value), premises.map((p) => p.subjectId), premises.map((p) => p.state), IN_FORCE,
      ...entryColumns(entries),
    ],
    'audit_append_if_linked_and_held',
  );
  const row = rows[0]!;
  return { written: row.written === entries.length, failed: row.failed };
}

/**
 * The entries as one array per column, unnested in SQL: the statement's text
 * is the same for any number of entries, so it is prepared once per
 * connection (a named statement) and only executed by each group commit.
 */
const SELECT_COLUMNS = (first: number) => `SELECT * FROM unnest(${COLUMN_TYPES.map((t, i) => `$${first + i}::${t}[]`).join(', ')})`;

function entryColumns(entries: readonly AuditEntry[]): unknown[][] {
  const columns: unknown[][] = COLUMN_TYPES.map(() => []);
  for (const e of entries) {
    const row = [
      e.chain, e.seq, e.at, e.actor, e.partner ?? null, e.certificateFingerprint ?? null, e.method, e.purpose ?? null, e.subject ?? null, e.reference ?? null,
      e.decision, e.reason ?? null, e.agreementId ?? null, e.agreementVersion ?? null, e.recordsReturned ?? null, e.recordsAccepted ?? null, e.recordsRejected ?? null,
      e.prevHash, e.hash,
    ];
    row.forEach((v, i) => columns[i]!.push(v));
  }
  return columns;
}

/** A chain's head as stored (undefined when the chain is not registered). */
export async function readHead(q: Queryable, chain: string): Promise<ChainHead | undefined> {
  return (await listHeads(q, chain))[0];
}

export interface ChainHead {
  readonly chain: string;
  readonly nodeId: string;
  readonly lastSeq: number;
  readonly lastHash: string;
}

/** Creates the chain when missing, then locks its head row for this transaction and returns it. */
export async function lockHead(tx: Queryable, chain: string, nodeId: string): Promise<ChainHead> {
  await tx.query(`INSERT INTO audit_chains (chain, node_id) VALUES ($1, $2) ON CONFLICT (chain) DO NOTHING`, [chain, nodeId]);
  const { rows } = await tx.query<{ node_id: string; last_seq: string; last_hash: string }>(
    `SELECT node_id, last_seq, last_hash FROM audit_chains WHERE chain = $1 FOR UPDATE`,
    [chain],
  );
  const r = rows[0]!;
  return { chain, nodeId: r.node_id, lastSeq: Number(r.last_seq), lastHash: r.last_hash };
}

export async function moveHead(tx: Queryable, chain: string, lastSeq: number, lastHash: string): Promise<void> {
  await tx.query(`UPDATE audit_chains SET last_seq = $2, last_hash = $3 WHERE chain = $1`, [chain, lastSeq, lastHash]);
}

export async function listHeads(q: Queryable, chain?: string): Promise<ChainHead[]> {
  const { rows } = await q.query<{ chain: string; node_id: string; last_seq: string; last_hash: string }>(
    `SELECT chain, node_id, last_seq, last_hash FROM audit_chains WHERE $1::text IS NULL OR chain = $1 ORDER BY chain COLLATE "C"`,
    [chain ?? null],
  );
  return rows.map((r) => ({ chain: r.chain, nodeId: r.node_id, lastSeq: Number(r.last_seq), lastHash: r.last_hash }));
}

/** A chain's entries after `afterSeq`, in seq order, at most `limit`. */
export async function chainEntries(q: Queryable, chain: string, afterSeq: number, limit: number): Promise<AuditEntry[]> {
  const { rows } = await q.query<EntryRow>(`SELECT ${ENTRY_COLUMNS} FROM audit_entries WHERE chain = $1 AND seq > $2 ORDER BY seq LIMIT $3`, [chain, afterSeq, limit]);
  return rows.map(entryFromRow);
}

/** Chains that have entries, including any without a head row. */
export async function chainsWithEntries(q: Queryable): Promise<string[]> {
  const { rows } = await q.query<{ chain: string }>(`SELECT DISTINCT chain FROM audit_entries ORDER BY chain`);
  return rows.map((r) => r.chain);
}

export interface CheckpointRow {
  readonly chain: string;
  readonly throughSeq: number;
  readonly throughHash: string;
  readonly pruned: number;
  readonly signerCert: string;
  readonly signature: string;
}

/** The newest checkpoint of a chain. */
export async function latestCheckpoint(q: Queryable, chain: string): Promise<CheckpointRow | undefined> {
  const { rows } = await q.query<{ chain: string; through_seq: string; through_hash: string; pruned: string; signer_cert: string; signature: string }>(
    `SELECT chain, through_seq, through_hash, pruned, signer_cert, signature FROM audit_checkpoints WHERE chain = $1 ORDER BY through_seq DESC LIMIT 1`,
    [chain],
  );
  const r = rows[0];
  return r ? { chain: r.chain, throughSeq: Number(r.through_seq), throughHash: r.through_hash, pruned: Number(r.pruned), signerCert: r.signer_cert, signature: r.signature } : undefined;
}
