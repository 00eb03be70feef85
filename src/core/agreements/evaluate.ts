/**
 * What an agreement allows, decided without I/O: whether a partner call may
 * go ahead now, and whether one record may cross. Deny by default: anything
 * the agreement does not list is refused, with a catalogue code.
 */
import type { ErrorCode } from '../errors.js';
import { CATEGORY_NAMES, DISCLOSURE_NAMES, PURPOSES, type Agreement, type AgreementInForce, type Direction, type Purpose } from './agreement.js';

/** Why a call is refused. */
export interface CallRefusal {
  readonly code: Extract<ErrorCode, 'AGREEMENT_MISSING' | 'AGREEMENT_NOT_IN_FORCE' | 'AGREEMENT_EXPIRED' | 'DIRECTION_NOT_ALLOWED' | 'PURPOSE_NOT_ALLOWED'>;
  readonly detail: string;
}

/** What a call needs from the agreement: a direction (none for calls any agreement in force allows), and a stated purpose for queries. */
export interface CallNeed {
  readonly direction?: Direction;
  /** The purpose the caller stated; undefined when it stated none (refused for queries). */
  readonly purpose?: Purpose;
  readonly purposeRequired?: boolean;
}

/** Whether `partnerId` may make a call needing `need` at `now` under the agreement governing it (undefined: none does). */
export function decideCall(inForce: AgreementInForce | undefined, partnerId: string, need: CallNeed, now: Date): CallRefusal | undefined {
  if (!inForce) return { code: 'AGREEMENT_MISSING', detail: `no active agreement governs partner "${partnerId}"` };
  const { agreement: a, version } = inForce;
  const named = `agreement "${a.id}" version ${version}`;
  if (now < a.validFrom) return { code: 'AGREEMENT_NOT_IN_FORCE', detail: `${named} is in force from ${a.validFrom.toISOString()}` };
  if (now >= a.validUntil) return { code: 'AGREEMENT_EXPIRED', detail: `${named} expired at ${a.validUntil.toISOString()}` };
  if (need.direction && !a.directions.includes(need.direction)) {
    return { code: 'DIRECTION_NOT_ALLOWED', detail: `${named} does not allow "${need.direction}" (it allows: ${a.directions.join(', ') || 'nothing'})` };
  }
  if (need.purposeRequired && need.purpose === undefined) return { code: 'PURPOSE_NOT_ALLOWED', detail: 'a query must state its purpose' };
  if (need.purpose !== undefined && !a.purposes.includes(need.purpose)) {
    return { code: 'PURPOSE_NOT_ALLOWED', detail: `${named} does not allow the purpose "${need.purpose}" (it allows: ${a.purposes.join(', ') || 'none'})` };
  }
  return undefined;
}

/** Milliseconds from `now` until the agreement stops being in force (0 when it is not in force). */
export function msUntilEnd(inForce: AgreementInForce, now: Date): number {
  return Math.max(0, inForce.agreement.validUntil.getTime() - now.getTime());
}

/** Why one record may not cross, as a per-record rejection. */
export interface RecordRefusal {
  readonly reason: Extract<ErrorCode, 'CATEGORY_NOT_ALLOWED' | 'DISCLOSURE_NOT_ALLOWED' | 'RECORD_ORIGIN_MISMATCH'>;
  readonly field: string;
  readonly message: string;
}

/** The envelope fields of a record the agreement rules on (contract enum values). */
export interface RecordFacts {
  readonly category: number;
  readonly disclosure: number;
  readonly originId: string;
}

/**
 * Whether a record may cross between us and the partner: its category and
 * disclosure class must be listed, and a record that originated at a third
 * platform (neither side of the exchange) needs `thirdParty`.
 */
export function refuseRecord(a: Agreement, record: RecordFacts, sides: readonly string[]): RecordRefusal | undefined {
  const category = categoryName(record.category);
  if (!category || !a.categories.includes(category)) {
    return { reason: 'CATEGORY_NOT_ALLOWED', field: 'category', message: `agreement "${a.id}" does not cover the category ${category ?? record.category}` };
  }
  const disclosure = disclosureName(record.disclosure);
  if (!disclosure || !a.disclosure.includes(disclosure)) {
    return { reason: 'DISCLOSURE_NOT_ALLOWED', field: 'disclosure', message: `agreement "${a.id}" does not allow the disclosure class ${disclosure ?? record.disclosure}` };
  }
  if (!a.thirdParty && !sides.includes(record.originId)) {
    return {
      reason: 'RECORD_ORIGIN_MISMATCH',
      field: 'origin_id',
      message: `record originated at "${record.originId}", a third platform, and agreement "${a.id}" does not let third-party records be passed on`,
    };
  }
  return undefined;
}

/** The contract enum values a partner may see under the agreement, for filtering in the store. */
export interface Visibility {
  readonly categories: readonly number[];
  readonly disclosures: readonly number[];
  readonly thirdParty: boolean;
}

export function visibilityOf(a: Agreement): Visibility {
  return {
    categories: a.categories.map((c) => CATEGORY_NAMES.indexOf(c) + 1),
    disclosures: a.disclosure.map((d) => DISCLOSURE_NAMES.indexOf(d) + 1),
    thirdParty: a.thirdParty,
  };
}

/** RecordCategory value → document name; undefined for UNSPECIFIED and unknown values. */
export function categoryName(value: number): (typeof CATEGORY_NAMES)[number] | undefined {
  return CATEGORY_NAMES[value - 1];
}

/** DisclosureClass value → document name. */
export function disclosureName(value: number): (typeof DISCLOSURE_NAMES)[number] | undefined {
  return DISCLOSURE_NAMES[value - 1];
}

/** Purpose value (contract) → document name; undefined for UNSPECIFIED and unknown values. */
export function purposeName(value: number): Purpose | undefined {
  return PURPOSES[value - 1];
}
