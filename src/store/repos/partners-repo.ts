/**
 * The partner registry (`partners`) and its history (`partner_changes`).
 * Every change runs in one transaction together with its history row: the
 * partner's new revision, who made it, what it was and the partner before and
 * after. A failed change writes nothing.
 */
import type { NodeConfig } from '../../config/node-config.js';
import { CredfedError } from '../../core/errors.js';
import type { Result } from '../../core/result.js';
import {
  snapshotOf,
  type Partner,
  type PartnerAction,
  type PartnerChange,
  type PartnerDefinition,
  type PartnerSnapshot,
  type PartnerStatus,
  type RegistryPartnerKind,
} from '../../partners/partner.js';
import type { Page } from '../../partners/page-token.js';
import { PARTNER_ID, validateActor, validatePartner, validateReason } from '../../partners/validate-partner.js';
import type { Store, TxQuery } from '../store.js';
import { keyOf, pageOf, pageSizeOf } from './keyset-page.js';
import type { Queryable } from './queryable.js';

/** Advisory lock key serialising seeding across replicas ("cfpt" in ASCII). */
export const PARTNER_SEED_LOCK_KEY = 0x63667074;

/** Who makes a change, and why. */
export interface ChangeBy {
  readonly actor: string;
  readonly reason?: string;
  /** Refuse the change unless the partner is still at this revision (optimistic concurrency). */
  readonly expectedRevision?: number;
}

/** Fields `updatePartner` may change; `null` clears an optional one. */
export interface PartnerPatch {
  readonly displayName?: string;
  readonly kind?: RegistryPartnerKind;
  readonly endpoint?: string | null;
  readonly trustAnchor?: string | null;
}

/** The partner after a change, and whether anything changed (no history row is written otherwise). */
export interface ChangeOutcome {
  readonly partner: Partner;
  readonly changed: boolean;
}

export interface PageRequest {
  readonly pageSize?: number;
  readonly pageToken?: string;
}

const COLUMNS = 'partner_id, display_name, kind, endpoint, status, trust_anchor, revision, created_at, updated_at';

interface PartnerRow {
  partner_id: string;
  display_name: string;
  kind: RegistryPartnerKind;
  endpoint: string | null;
  status: PartnerStatus;
  trust_anchor: string | null;
  revision: string;
  created_at: Date;
  updated_at: Date;
}

/** One partner; `forUpdate` locks its row until the transaction ends. */
export async function getPartner(db: Queryable, id: string, opts: { forUpdate?: boolean } = {}): Promise<Partner | undefined> {
  const { rows } = await db.query<PartnerRow>(`SELECT ${COLUMNS} FROM partners WHERE partner_id = $1${opts.forUpdate ? ' FOR UPDATE' : ''}`, [id]);
  return rows[0] && fromRow(rows[0]);
}

/** Every partner (the registry is small: the gateway's directory loads it whole). */
export async function listAllPartners(db: Queryable): Promise<Partner[]> {
  const { rows } = await db.query<PartnerRow>(`SELECT ${COLUMNS} FROM partners ORDER BY partner_id COLLATE "C"`);
  return rows.map(fromRow);
}

/** One page of partners in id order (byte order, the same on every backend). Throws PAGE_TOKEN_INVALID. */
export async function listPartners(db: Queryable, page: PageRequest = {}): Promise<Page<Partner>> {
  const size = pageSizeOf(page.pageSize);
  const after = page.pageToken === undefined ? null : keyOf(page.pageToken, (k) => PARTNER_ID.test(k));
  const { rows } = await db.query<PartnerRow>(
    `SELECT ${COLUMNS} FROM partners
     WHERE $1::text IS NULL OR partner_id COLLATE "C" > $1::text
     ORDER BY partner_id COLLATE "C" LIMIT $2`,
    [after, size + 1],
  );
  return pageOf(rows, size, fromRow, (p) => p.id);
}

/** Adds a partner (status active, revision 1). Throws PARTNER_INVALID, or PARTNER_EXISTS writing nothing. */
export async function addPartner(store: Store, def: PartnerDefinition, by: ChangeBy, action: 'add' | 'seed' = 'add'): Promise<Partner> {
  const valid = checked(validatePartner(def));
  const who = checkBy(by);
  return store.transaction(async (tx) => {
    const inserted = await insertRow(tx.query, valid);
    if (!inserted) throw new CredfedError('PARTNER_EXISTS', `partner "${valid.id}" is already registered`, { partnerId: valid.id });
    await recordChange(tx.query, inserted, who, action, undefined);
    return inserted;
  });
}

/** Changes a partner's definition. Throws PARTNER_NOT_FOUND, PARTNER_INVALID. */
export async function updatePartner(store: Store, id: string, patch: PartnerPatch, by: ChangeBy): Promise<ChangeOutcome> {
  const who = checkBy(by);
  return store.transaction((tx) => updatePartnerIn(tx.query, id, patch, who));
}

/**
 * `updatePartner` inside the caller's transaction (e.g. together with the
 * trust anchor it binds). Same checks and history row; throws the same codes.
 */
export async function updatePartnerIn(query: TxQuery, id: string, patch: PartnerPatch, by: ChangeBy): Promise<ChangeOutcome> {
  const who = checkBy(by);
  const before = await lockPartner(query, id, who.expectedRevision);
  const merged = checked(
    validatePartner({
      id: before.id,
      displayName: patch.displayName ?? before.displayName,
      kind: patch.kind ?? before.kind,
      endpoint: patch.endpoint === undefined ? before.endpoint : patch.endpoint,
      trustAnchor: patch.trustAnchor === undefined ? before.trustAnchor : patch.trustAnchor,
    }),
  );
  if (
    merged.displayName === before.displayName &&
    merged.kind === before.kind &&
    merged.endpoint === before.endpoint &&
    merged.trustAnchor === before.trustAnchor
  ) {
    return { partner: before, changed: false };
  }
  const { rows } = await query<PartnerRow>(
    `UPDATE partners SET display_name = $2, kind = $3, endpoint = $4, trust_anchor = $5,
            revision = revision + 1, updated_at = now()
     WHERE partner_id = $1 RETURNING ${COLUMNS}`,
    [id, merged.displayName, merged.kind, merged.endpoint ?? null, merged.trustAnchor ?? null],
  );
  const after = fromRow(rows[0]!);
  await recordChange(query, after, who, 'update', before);
  return { partner: after, changed: true };
}

/** Suspends or resumes a partner; already in that status → unchanged. Throws PARTNER_NOT_FOUND. */
export async function setPartnerStatus(store: Store, id: string, status: PartnerStatus, by: ChangeBy): Promise<ChangeOutcome> {
  const who = checkBy(by);
  return store.transaction(async (tx) => {
    const before = await lockPartner(tx.query, id, who.expectedRevision);
    if (before.status === status) return { partner: before, changed: false };
    const { rows } = await tx.query<PartnerRow>(
      `UPDATE partners SET status = $2, revision = revision + 1, updated_at = now()
       WHERE partner_id = $1 RETURNING ${COLUMNS}`,
      [id, status],
    );
    const after = fromRow(rows[0]!);
    await recordChange(tx.query, after, who, status === 'suspended' ? 'suspend' : 'resume', before);
    return { partner: after, changed: true };
  });
}

/** A partner's history, oldest first. Throws PARTNER_NOT_FOUND (for an unknown partner), PAGE_TOKEN_INVALID. */
export async function listPartnerChanges(db: Queryable, id: string, page: PageRequest = {}): Promise<Page<PartnerChange>> {
  const size = pageSizeOf(page.pageSize);
  const after = page.pageToken === undefined ? 0 : Number(keyOf(page.pageToken, (k) => /^[1-9]\d{0,14}$/.test(k)));
  const { rows } = await db.query<ChangeRow>(
    `SELECT partner_id, revision, actor, action, reason, before, after, changed_at FROM partner_changes
     WHERE partner_id = $1 AND revision > $2 ORDER BY revision LIMIT $3`,
    [id, after, size + 1],
  );
  if (rows.length === 0 && after === 0 && !(await getPartner(db, id))) {
    throw new CredfedError('PARTNER_NOT_FOUND', `no partner "${id}"`, { partnerId: id });
  }
  return pageOf(rows, size, changeFromRow, (c) => String(c.revision));
}

/**
 * Registers the configuration file's partners that the registry does not
 * hold yet (actor "config", action "seed"). Partners already registered keep
 * their registry definition and status: the registry is the source of truth.
 * Safe when several replicas start at once. Returns the partners added.
 */
export async function seedFromConfig(store: Store, config: Pick<NodeConfig, 'partners'>): Promise<Partner[]> {
  const defs = config.partners.map((p) => checked(validatePartner({ id: p.id, kind: p.kind, endpoint: p.endpoint })));
  if (defs.length === 0) return [];
  return store.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [PARTNER_SEED_LOCK_KEY]);
    const added: Partner[] = [];
    for (const def of defs) {
      const inserted = await insertRow(tx.query, def);
      if (!inserted) continue;
      await recordChange(tx.query, inserted, { actor: 'config' }, 'seed', undefined);
      added.push(inserted);
    }
    return added;
  });
}

async function insertRow(query: TxQuery, def: PartnerDefinition): Promise<Partner | undefined> {
  const { rows } = await query<PartnerRow>(
    `INSERT INTO partners (partner_id, display_name, kind, endpoint, trust_anchor) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (partner_id) DO NOTHING RETURNING ${COLUMNS}`,
    [def.id, def.displayName, def.kind, def.endpoint ?? null, def.trustAnchor ?? null],
  );
  return rows[0] && fromRow(rows[0]);
}

async function lockPartner(query: TxQuery, id: string, expectedRevision: number | undefined): Promise<Partner> {
  const { rows } = await query<PartnerRow>(`SELECT ${COLUMNS} FROM partners WHERE partner_id = $1 FOR UPDATE`, [id]);
  if (!rows[0]) throw new CredfedError('PARTNER_NOT_FOUND', `no partner "${id}"`, { partnerId: id });
  const current = fromRow(rows[0]);
  if (expectedRevision !== undefined && current.revision !== expectedRevision) {
    // No dedicated "changed meanwhile" code in the catalogue yet; PARTNER_INVALID with the revisions in details.
    throw new CredfedError(
      'PARTNER_INVALID',
      `partner "${id}" is at revision ${current.revision}, not ${expectedRevision}: it was changed meanwhile; read it again`,
      { partnerId: id, expectedRevision, revision: current.revision },
    );
  }
  return current;
}

async function recordChange(query: TxQuery, after: Partner, by: ChangeBy, action: PartnerAction, before: Partner | undefined): Promise<void> {
  await query(
    `INSERT INTO partner_changes (partner_id, revision, actor, action, reason, before, after)
     VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb)`,
    [
      after.id,
      after.revision,
      by.actor,
      action,
      by.reason ?? null,
      before ? JSON.stringify(snapshotOf(before)) : null,
      JSON.stringify(snapshotOf(after)),
    ],
  );
}

interface ChangeRow {
  partner_id: string;
  revision: string;
  actor: string;
  action: PartnerAction;
  reason: string | null;
  before: PartnerSnapshot | null;
  after: PartnerSnapshot | null;
  changed_at: Date;
}

function changeFromRow(r: ChangeRow): PartnerChange {
  return {
    partnerId: r.partner_id,
    revision: Number(r.revision),
    actor: r.actor,
    action: r.action,
    ...(r.reason !== null ? { reason: r.reason } : {}),
    ...(r.before !== null ? { before: r.before } : {}),
    ...(r.after !== null ? { after: r.after } : {}),
    changedAt: r.changed_at,
  };
}

function fromRow(r: PartnerRow): Partner {
  return {
    id: r.partner_id,
    displayName: r.display_name,
    kind: r.kind,
    ...(r.endpoint !== null ? { endpoint: r.endpoint } : {}),
    ...(r.trust_anchor !== null ? { trustAnchor: r.trust_anchor } : {}),
    status: r.status,
    revision: Number(r.revision),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function checkBy(by: ChangeBy): ChangeBy {
  const actor = validateActor(by.actor);
  if (actor.error !== undefined) throw new CredfedError('PARTNER_INVALID', actor.error);
  const reason = validateReason(by.reason);
  if (reason.error !== undefined) throw new CredfedError('PARTNER_INVALID', reason.error);
  return { actor: actor.value, reason: reason.value, expectedRevision: by.expectedRevision };
}

function checked<T>(r: Result<T, string[]>): T {
  if (r.error !== undefined) throw new CredfedError('PARTNER_INVALID', r.error.join('; '), { problems: r.error });
  return r.value;
}
