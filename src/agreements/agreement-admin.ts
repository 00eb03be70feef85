/**
 * Administering data-sharing agreements (the `agreement` commands and the
 * Admin service share these): store a new version (validated against the
 * registry and the other active agreements; nothing is written on a
 * refusal), activate or roll back, read one, list the history, compare two.
 */
import type { Agreement } from '../core/agreements/agreement.js';
import { selectGoverning, overlaps } from '../core/agreements/governing.js';
import { parseAgreement } from '../core/agreements/parse-agreement.js';
import { CredfedError } from '../core/errors.js';
import type { Page } from '../partners/page-token.js';
import {
  activateVersion,
  agreementHistory,
  findVersion,
  insertVersion,
  latestVersion,
  listActive,
  lockAgreement,
  type AgreementRow,
} from '../store/repos/agreements-repo.js';
import { listAllPartners } from '../store/repos/partners-repo.js';
import type { Queryable } from '../store/repos/queryable.js';
import type { Store } from '../store/store.js';

export interface PutOptions {
  readonly actor: string;
  /** Store without activating. */
  readonly draft?: boolean;
  /** Validate only. */
  readonly dryRun?: boolean;
}

/** Validates `text` and stores it as the agreement's next version (active unless a draft). Throws AGREEMENT_INVALID listing every problem. */
export async function putAgreement(store: Store, text: string, opts: PutOptions): Promise<AgreementRow> {
  const partners = await listAllPartners(store);
  const parsed = parseAgreement(text, { knownPartners: new Set(partners.map((p) => p.id)) });
  if (parsed.error) throw invalid(parsed.error);
  const agreement = parsed.value;
  if (opts.dryRun) {
    const clash = opts.draft ? [] : overlaps(agreement, (await listActive(store)).map((a) => a.agreement));
    if (clash.length > 0) throw invalid(clash);
    return draftRow(agreement, text, 0, opts.actor);
  }
  return store.transaction(async (tx) => {
    await lockAgreement(tx, agreement.id);
    if (!opts.draft) await refuseOverlap(tx, agreement, 'AGREEMENT_INVALID');
    const version = await insertVersion(tx, agreement, text, opts.actor);
    if (!opts.draft) await activateVersion(tx, agreement.id, version, opts.actor);
    return (await findVersion(tx, agreement.id, version))!;
  });
}

/** Activates a stored version (a draft, or an older one to roll back). */
export async function activateAgreement(store: Store, id: string, version: number, actor: string): Promise<AgreementRow> {
  return store.transaction(async (tx) => {
    await lockAgreement(tx, id);
    const row = await findVersion(tx, id, version);
    if (!row) throw new CredfedError('AGREEMENT_NOT_FOUND', `agreement "${id}" has no version ${version}`);
    await refuseOverlap(tx, row.agreement, 'AGREEMENT_CONFLICT');
    await activateVersion(tx, id, version, actor);
    return (await findVersion(tx, id, version))!;
  });
}

/** One version (the active one by default), by agreement id or by the partner it governs now. */
export async function getAgreement(store: Store, which: { agreementId?: string; partnerId?: string; version?: number }): Promise<AgreementRow> {
  let id = which.agreementId;
  if (!id) {
    if (!which.partnerId) throw new CredfedError('ADMIN_REQUEST_INVALID', 'name an agreement id or a partner');
    const partner = (await listAllPartners(store)).find((p) => p.id === which.partnerId);
    if (!partner) throw new CredfedError('PARTNER_NOT_FOUND', `no partner "${which.partnerId}"`);
    const governing = selectGoverning(await listActive(store), partner);
    if (!governing) throw new CredfedError('AGREEMENT_NOT_FOUND', `no active agreement governs partner "${which.partnerId}"`);
    id = governing.agreement.id;
  }
  const row = await findVersion(store, id, which.version);
  if (!row) throw new CredfedError('AGREEMENT_NOT_FOUND', which.version ? `agreement "${id}" has no version ${which.version}` : `agreement "${id}" has no active version`);
  return row;
}

export async function listAgreementHistory(store: Store, id: string, page: { pageSize?: number; pageToken?: string } = {}): Promise<Page<AgreementRow>> {
  const history = await agreementHistory(store, id, page);
  if (history.items.length === 0 && page.pageToken === undefined) throw new CredfedError('AGREEMENT_NOT_FOUND', `no agreement "${id}"`);
  return history;
}

/** The two versions to compare: `to` (default the newest) and `from` (default the one before it). */
export async function versionsToCompare(store: Store, id: string, from?: number, to?: number): Promise<[AgreementRow, AgreementRow]> {
  const newest = await latestVersion(store, id);
  if (newest === 0) throw new CredfedError('AGREEMENT_NOT_FOUND', `no agreement "${id}"`);
  const toV = to ?? newest;
  const fromV = from ?? toV - 1;
  if (fromV < 1) throw new CredfedError('AGREEMENT_NOT_FOUND', `agreement "${id}" has no version before ${toV}`);
  const [a, b] = await Promise.all([findVersion(store, id, fromV), findVersion(store, id, toV)]);
  if (!a || !b) throw new CredfedError('AGREEMENT_NOT_FOUND', `agreement "${id}" has no version ${!a ? fromV : toV}`);
  return [a, b];
}

/** The partners an agreement governs now (explicit and by group, less exclusions and those another agreement names). */
export async function governedPartners(store: Store, agreement: Agreement): Promise<string[]> {
  const active = await listActive(store);
  const others = active.filter((a) => a.agreement.id !== agreement.id);
  const self = { agreement, version: 0 };
  return (await listAllPartners(store)).filter((p) => selectGoverning([...others, self], p)?.agreement === agreement).map((p) => p.id);
}

async function refuseOverlap(tx: Queryable, agreement: Agreement, code: 'AGREEMENT_INVALID' | 'AGREEMENT_CONFLICT'): Promise<void> {
  const clash = overlaps(agreement, (await listActive(tx)).map((a) => a.agreement));
  if (clash.length > 0) throw code === 'AGREEMENT_INVALID' ? invalid(clash) : new CredfedError(code, clash.join('; '), { problems: clash });
}

function invalid(problems: string[]): CredfedError {
  return new CredfedError('AGREEMENT_INVALID', problems.join('; '), { problems });
}

function draftRow(agreement: Agreement, document: string, version: number, actor: string): AgreementRow {
  return { agreement, version, document, state: 'draft', createdAt: new Date(), createdBy: actor };
}
