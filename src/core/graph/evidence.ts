/**
 * What one subject description (a record's subject, a mapping-file row) says
 * about the identifier graph (DESIGN.md §2.1): which identifiers name one
 * subject. Pure: no I/O.
 *
 * A USCC contains its organisation code (positions 9–17), so the code is
 * added as a derived identifier. An organisation code given beside a USCC
 * that contains another one is not linked: it is a dispute for review.
 */
import { IdentifierScheme, type Subject } from '../../gen/credfed/v1/subject.js';

const { IDENTIFIER_SCHEME_USCC: USCC, IDENTIFIER_SCHEME_ORG_CODE: ORG } = IdentifierScheme;

/** One identifier the description links; `derived` when it was computed, not given. */
export interface EvidenceId {
  readonly scheme: number;
  readonly value: string;
  readonly derived?: boolean;
}

/** An organisation code named beside a USCC that contains a different one. */
export interface OrgDispute {
  readonly uscc: string;
  readonly orgCode: string;
}

export interface Evidence {
  /** Distinct identifiers to link as one subject: at most one USCC and one organisation code. */
  readonly identifiers: readonly EvidenceId[];
  /** The USCC among them, if any. */
  readonly uscc?: string;
  /** The organisation code among them (given, or derived from the USCC), if any. */
  readonly orgCode?: string;
  readonly disputes: readonly OrgDispute[];
}

/** The organisation code inside a (valid, normalised) USCC. */
export const orgCodeInUscc = (uscc: string): string => uscc.slice(8, 17);

/**
 * Reads a description whose identifiers are already validated and normalised.
 * Keeps the first USCC (a second one is ignored for linking: one description
 * cannot name two USCCs) and the first organisation code when no USCC decides.
 */
export function evidenceOf(subject: Pick<Subject, 'identifiers'>): Evidence {
  const uscc = subject.identifiers.find((id) => id.scheme === USCC)?.value;
  const derivedOrg = uscc === undefined ? undefined : orgCodeInUscc(uscc);
  const orgCode = derivedOrg ?? subject.identifiers.find((id) => id.scheme === ORG)?.value;
  const identifiers: EvidenceId[] = [];
  const disputes: OrgDispute[] = [];
  const seen = new Set<string>();
  const add = (id: EvidenceId): void => {
    const key = `${id.scheme}:${id.value}`;
    if (!seen.has(key)) (seen.add(key), identifiers.push(id));
  };
  for (const id of subject.identifiers) {
    if (id.scheme === USCC && id.value !== uscc) continue;
    if (id.scheme === ORG && id.value !== orgCode) {
      if (uscc !== undefined && !disputes.some((d) => d.orgCode === id.value)) disputes.push({ uscc, orgCode: id.value });
      continue;
    }
    add({ scheme: id.scheme, value: id.value });
  }
  if (derivedOrg !== undefined && !seen.has(`${ORG}:${derivedOrg}`)) add({ scheme: ORG, value: derivedOrg, derived: true });
  return { identifiers, uscc, orgCode, disputes };
}
