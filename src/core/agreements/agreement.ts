/**
 * A data-sharing agreement (合作协议) between this platform and its partners,
 * as a validated, frozen value. The document form (YAML or JSON) is parsed by
 * parse-agreement.ts; enforcement (evaluate-*.ts) reads only this type.
 *
 * Deny by default: whatever the agreement does not list is not allowed.
 */

/** What a partner may do: push records to us, receive our records (our sender, or a pull), query us. */
export const DIRECTIONS = ['push', 'pull', 'query'] as const;
export type Direction = (typeof DIRECTIONS)[number];

/** Record categories by their document names (DESIGN.md §2.2), in contract enum order (RecordCategory 1..8). */
export const CATEGORY_NAMES = [
  'administrative_licence',
  'administrative_penalty',
  'dishonesty_list',
  'dishonest_debtor',
  'red_list',
  'key_attention',
  'credit_commitment',
  'credit_evaluation',
] as const;
export type CategoryName = (typeof CATEGORY_NAMES)[number];

/** Disclosure classes by their document names, in contract enum order (DisclosureClass 1..3). */
export const DISCLOSURE_NAMES = ['public', 'conditional', 'not_shared'] as const;
export type DisclosureName = (typeof DISCLOSURE_NAMES)[number];

/** Purposes a query may state, in contract enum order (Purpose 1..5). */
export const PURPOSES = ['bidding_review', 'administrative_licensing', 'financing', 'public_service', 'joint_punishment'] as const;
export type Purpose = (typeof PURPOSES)[number];

/** Partner groups: the registry's partner kinds. */
export const PARTY_GROUPS = ['child_county', 'parent_city', 'peer_region', 'service_agency'] as const;
export type PartyGroup = (typeof PARTY_GROUPS)[number];

/** A rule for one field of the records (and subjects) a partner receives. */
export interface FieldRule {
  /** Dotted path in the contract's snake_case names, e.g. "penalty.fine_wan_yuan", "subject.legal_representative". */
  readonly field: string;
  /** drop: the field is cleared; mask: a text field keeps its first and last character, the rest becomes "*". */
  readonly action: 'drop' | 'mask';
}

/** Whom an agreement governs: named partners and whole groups, less exclusions. */
export interface Parties {
  readonly partners: readonly string[];
  readonly groups: readonly PartyGroup[];
  readonly exclude: readonly string[];
}

export interface Agreement {
  /** Stable id of the agreement; versions share it. Lower-case letters, digits, "-" and "_", 1–64 characters. */
  readonly id: string;
  readonly title?: string;
  readonly parties: Parties;
  /** In force from validFrom (inclusive) until validUntil (exclusive). */
  readonly validFrom: Date;
  readonly validUntil: Date;
  readonly directions: readonly Direction[];
  /** Categories the partner may push, receive and see. */
  readonly categories: readonly CategoryName[];
  /** Disclosure classes the partner may push, receive and see. */
  readonly disclosure: readonly DisclosureName[];
  /** Purposes a query may state (required non-empty when `query` is a direction). */
  readonly purposes: readonly Purpose[];
  /** Calls allowed per minute and per day; absent: unlimited. */
  readonly quotas: { readonly perMinute?: number; readonly perDay?: number };
  readonly fields: readonly FieldRule[];
  /** Natural persons' identity numbers: masked (default) or in clear. */
  readonly personIds: 'masked' | 'clear';
  /** Whether records that originated at a third platform may be passed on (in either direction). */
  readonly thirdParty: boolean;
}

/** A stored version of an agreement, as enforcement sees it. */
export interface AgreementInForce {
  readonly agreement: Agreement;
  readonly version: number;
}
