/** How the `ids` commands print subjects, records and conflicts (text for people, JSON for tools). */
import { describeUscc, provinceOf } from '../../../core/ids/index.js';
import { DisclosureClass, RecordCategory, RecordStatus } from '../../../gen/credfed/v1/record.js';
import { IdentifierScheme, SubjectKind } from '../../../gen/credfed/v1/subject.js';
import type { ConflictRow } from '../../../store/repos/conflicts-repo.js';
import type { RecordSummaryRow, SubjectViewRow } from '../../../store/repos/subject-view-repo.js';
import { formatTable } from '../../table.js';

/** An enum value's name without its prefix, lower case: IDENTIFIER_SCHEME_ORG_CODE → org_code. */
function enumName(values: Record<number, string>, prefix: string, n: number): string {
  const name = values[n];
  return name ? name.slice(prefix.length).toLowerCase() : String(n);
}

export const schemeName = (n: number): string => enumName(IdentifierScheme, 'IDENTIFIER_SCHEME_', n);
const kindName = (n: number): string => enumName(SubjectKind, 'SUBJECT_KIND_', n);
const categoryName = (n: number): string => enumName(RecordCategory, 'RECORD_CATEGORY_', n);
const statusName = (n: number): string => enumName(RecordStatus, 'RECORD_STATUS_', n);
const disclosureName = (n: number): string => enumName(DisclosureClass, 'DISCLOSURE_CLASS_', n);

export function subjectJson(s: SubjectViewRow) {
  const uscc = s.identifiers.find((id) => id.scheme === IdentifierScheme.IDENTIFIER_SCHEME_USCC);
  const facts = uscc ? describeUscc(uscc.value) : undefined;
  return {
    subjectId: s.subjectId,
    kind: kindName(s.kind),
    name: s.name,
    nameSource: s.nameSource,
    firstSeenAt: s.firstSeenAt.toISOString(),
    identifiers: s.identifiers.map((id) => ({ scheme: schemeName(id.scheme), value: id.value, source: id.source })),
    mergedSubjectIds: s.mergedSubjectIds,
    uscc: facts ? { ...facts, province: provinceOf(facts.divisionCode) ?? null } : null,
    openConflicts: s.openConflicts,
  };
}

export function recordJson(r: RecordSummaryRow) {
  return {
    originId: r.originId,
    recordId: r.recordId,
    version: r.version,
    category: categoryName(r.category),
    status: statusName(r.status),
    disclosure: disclosureName(r.disclosure),
    decisionDate: r.decisionDate,
    receivedFrom: r.receivedFrom,
    subjectId: r.subjectId,
  };
}

export function conflictJson(c: ConflictRow) {
  return {
    conflictId: c.conflictId,
    kind: c.kind,
    subjectId: c.subjectId,
    identifier: { scheme: schemeName(c.scheme), value: c.value },
    proposed: c.proposedScheme ? { scheme: schemeName(c.proposedScheme), value: c.proposedValue } : null,
    proposedName: c.proposedName || null,
    existingName: c.existingName || null,
    source: c.source,
    evidence: c.evidence,
    status: c.status,
    occurrences: c.occurrences,
    detectedAt: c.detectedAt.toISOString(),
    lastSeenAt: c.lastSeenAt.toISOString(),
    decidedAt: c.decidedAt?.toISOString() ?? null,
    decidedBy: c.decidedBy,
    decisionReason: c.decisionReason,
  };
}

/** `key: value` lines of a subject, then its identifiers as a table. */
export function formatSubject(s: SubjectViewRow): string {
  const j = subjectJson(s);
  const lines = [
    `subject:        ${j.subjectId}`,
    `kind:           ${j.kind}`,
    `name:           ${j.name}${j.nameSource ? ` (from ${j.nameSource})` : ''}`,
    `first seen:     ${j.firstSeenAt}`,
  ];
  if (j.uscc) {
    const u = j.uscc;
    lines.push(`registration:   ${u.authority} ${u.authorityName ?? '(unknown authority)'}, type ${u.entityType} ${u.entityTypeName ?? '(unknown type)'}`);
    lines.push(`division:       ${u.divisionCode}${u.province ? ` (${u.province}; routing hint)` : ' (routing hint)'}`);
  }
  if (j.mergedSubjectIds.length > 0) lines.push(`merged:         ${j.mergedSubjectIds.join(', ')}`);
  if (j.openConflicts > 0) lines.push(`open conflicts: ${j.openConflicts} (credfed ids conflicts)`);
  const rows = j.identifiers.map((id) => [id.scheme, id.value, id.source ?? '-']);
  return `${lines.join('\n')}\n\n${formatTable(['SCHEME', 'IDENTIFIER', 'LINKED BY'], rows)}\n`;
}

export function formatRecords(records: readonly RecordSummaryRow[]): string {
  const rows = records.map((r) => {
    const j = recordJson(r);
    return [j.originId, j.recordId, String(j.version), j.category, j.status, j.decisionDate, j.receivedFrom];
  });
  return `${formatTable(['ORIGIN', 'RECORD', 'VERSION', 'CATEGORY', 'STATUS', 'DECIDED', 'FROM'], rows)}\n`;
}

/** One line of what a conflict says, for people. */
export function describeConflict(c: ConflictRow): string {
  const id = `${schemeName(c.scheme)} ${c.value}`;
  const proposed = `${schemeName(c.proposedScheme)} ${c.proposedValue}`;
  switch (c.kind) {
    case 'legacy_two_usccs':
      return `${id} belongs to another USCC; ${c.source} names it with ${proposed}`;
    case 'legacy_two_org_codes':
      return `${id}'s subject holds another organisation code; ${c.source} names it with ${proposed}`;
    case 'uscc_two_org_codes':
      return `${id} contains another organisation code; ${c.source} names it with ${proposed}`;
    case 'uscc_two_names':
      return `${id} is "${c.existingName}"; ${c.source} calls it "${c.proposedName}"`;
  }
}
