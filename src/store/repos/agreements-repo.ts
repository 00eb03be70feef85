/** SQL of data-sharing agreements (migration 0008): versions, activation, the active set, history. */
import type { Agreement, AgreementInForce } from '../../core/agreements/agreement.js';
import { agreementFromObject, agreementToDocument } from '../../core/agreements/parse-agreement.js';
import { CredfedError } from '../../core/errors.js';
import type { Page } from '../../partners/page-token.js';
import { keyOf, pageOf, pageSizeOf } from './keyset-page.js';
import type { Queryable } from './queryable.js';

export type AgreementState = 'draft' | 'active' | 'superseded';

export interface AgreementRow {
  readonly agreement: Agreement;
  readonly version: number;
  readonly document: string;
  readonly state: AgreementState;
  readonly createdAt: Date;
  readonly createdBy: string;
  readonly activatedAt?: Date;
  readonly activatedBy?: string;
}

interface Row {
  agreement_id: string;
  version: string;
  document: string;
  parsed: unknown;
  state: AgreementState;
  created_at: Date;
  created_by: string;
  activated_at: Date | null;
  activated_by: string | null;
}

const COLUMNS = 'agreement_id, version, document, parsed, state, created_at, created_by, activated_at, activated_by';

function fromRow(r: Row): AgreementRow {
  const parsed = agreementFromObject(r.parsed);
  if (parsed.error) throw new CredfedError('INTERNAL', `stored agreement ${r.agreement_id} v${r.version} no longer parses: ${parsed.error.join('; ')}`);
  return {
    agreement: parsed.value,
    version: Number(r.version),
    document: r.document,
    state: r.state,
    createdAt: r.created_at,
    createdBy: r.created_by,
    ...(r.activated_at ? { activatedAt: r.activated_at } : {}),
    ...(r.activated_by ? { activatedBy: r.activated_by } : {}),
  };
}

/** Serialises writers of one agreement (transaction-scoped: the embedded store is one shared session). */
export async function lockAgreement(tx: Queryable, id: string): Promise<void> {
  await tx.query(`SELECT pg_advisory_xact_lock(hashtext('agreement:' || $1))`, [id]);
}

/** Stores the next version (draft); returns its number. */
export async function insertVersion(tx: Queryable, agreement: Agreement, document: string, actor: string): Promise<number> {
  const { rows } = await tx.query<{ version: string }>(
    `INSERT INTO agreements (agreement_id, version, document, parsed, state, valid_from, valid_until, created_by)
     SELECT $1, COALESCE(max(version), 0) + 1, $2, $3::jsonb, 'draft', $4, $5, $6 FROM agreements WHERE agreement_id = $1
     RETURNING version`,
    [agreement.id, document, JSON.stringify(agreementToDocument(agreement)), agreement.validFrom, agreement.validUntil, actor],
  );
  return Number(rows[0]!.version);
}

/** Makes `version` the active one (the previous active becomes superseded) and bumps the revision. */
export async function activateVersion(tx: Queryable, id: string, version: number, actor: string): Promise<void> {
  await tx.query(`UPDATE agreements SET state = 'superseded' WHERE agreement_id = $1 AND state = 'active' AND version <> $2`, [id, version]);
  await tx.query(`UPDATE agreements SET state = 'active', activated_at = now(), activated_by = $3 WHERE agreement_id = $1 AND version = $2`, [id, version, actor]);
  await tx.query(`UPDATE agreements_revision SET revision = revision + 1 WHERE id = 1`);
}

export async function findVersion(q: Queryable, id: string, version?: number): Promise<AgreementRow | undefined> {
  const { rows } = await q.query<Row>(
    version === undefined
      ? `SELECT ${COLUMNS} FROM agreements WHERE agreement_id = $1 AND state = 'active'`
      : `SELECT ${COLUMNS} FROM agreements WHERE agreement_id = $1 AND version = $2`,
    version === undefined ? [id] : [id, version],
  );
  return rows[0] ? fromRow(rows[0]) : undefined;
}

/** The newest version number of an agreement (0 when none). */
export async function latestVersion(q: Queryable, id: string): Promise<number> {
  const { rows } = await q.query<{ v: string | null }>(`SELECT max(version) AS v FROM agreements WHERE agreement_id = $1`, [id]);
  return Number(rows[0]?.v ?? 0);
}

export async function listActive(q: Queryable): Promise<AgreementInForce[]> {
  const { rows } = await q.query<Row>(`SELECT ${COLUMNS} FROM agreements WHERE state = 'active' ORDER BY agreement_id COLLATE "C"`);
  return rows.map(fromRow).map((r) => ({ agreement: r.agreement, version: r.version }));
}

/** Changes with every activation. */
export async function agreementsRevision(q: Queryable): Promise<number> {
  const { rows } = await q.query<{ revision: string }>(`SELECT revision FROM agreements_revision WHERE id = 1`);
  return Number(rows[0]?.revision ?? 0);
}

/** Every version of an agreement, newest first, a page at a time. */
export async function agreementHistory(q: Queryable, id: string, page: { pageSize?: number; pageToken?: string } = {}): Promise<Page<AgreementRow>> {
  const size = pageSizeOf(page.pageSize);
  const before = page.pageToken === undefined ? null : Number(keyOf(page.pageToken, (k) => /^\d+$/.test(k)));
  const { rows } = await q.query<Row>(
    `SELECT ${COLUMNS} FROM agreements WHERE agreement_id = $1 AND ($2::bigint IS NULL OR version < $2) ORDER BY version DESC LIMIT $3`,
    [id, before, size + 1],
  );
  return pageOf(rows, size, fromRow, (r) => String(r.version));
}
