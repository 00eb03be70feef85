/** How `credfed recognize` shows a recognition: a few lines for people, or plain JSON. */
import { categoryName } from '../../core/agreements/evaluate.js';
import { fromCreditLevel } from '../../core/verdicts/recognition-rules.js';
import type { BasisRecord, Recognition, SignedVerdict } from '../../gen/credfed/v1/verdict.js';
import { formatTable } from '../table.js';

const levelName = (level: number) => fromCreditLevel(level) ?? 'unspecified';

export function formatRecognition(identifier: string, r: Recognition): string {
  const first = r.verdicts[0]?.verdict;
  const name = r.verdicts.map((v) => v.verdict?.subjectName).find((n) => n) ?? '';
  const lines = [`${identifier}${name ? `  ${name}` : ''}`];
  lines.push(`  combined: ${levelName(r.level)}${r.partial ? '  (PARTIAL: not every platform asked answered)' : ''}`);
  const rows = r.verdicts.map((v) => verdictRow(v));
  lines.push(...formatTable(['platform', 'level', 'grade', 'basis', 'disputed', 'valid until'], rows).split('\n').map((l) => `  ${l}`));
  for (const m of r.missing) lines.push(`  missing: ${m.partner}: ${m.reason}: ${m.message}`);
  for (const v of r.verdicts) {
    for (const b of v.verdict?.basis ?? []) lines.push(`  ${v.verdict!.issuer} basis: ${basisLine(b)}`);
    if ((v.verdict?.recordsWithheld ?? 0) > 0) lines.push(`  ${v.verdict!.issuer}: ${v.verdict!.recordsWithheld} more record(s) counted, not shown under the agreement`);
  }
  if (first?.noRecords && r.verdicts.every((v) => v.verdict?.noRecords)) lines.push('  no records about this subject on any platform that answered');
  return `${lines.join('\n')}\n`;
}

function verdictRow(v: SignedVerdict): string[] {
  const b = v.verdict!;
  return [b.issuer, b.noRecords ? 'normal (no records)' : levelName(b.level), b.grade?.grade || '-', String(b.basis.length), b.disputed ? 'yes' : 'no', b.validUntil];
}

function basisLine(b: BasisRecord): string {
  return `${b.decisive ? '* ' : ''}${categoryName(b.category) ?? b.category} ${b.originId}/${b.recordId} v${b.version} ${b.decisionDate} ${b.authority}`.trimEnd();
}

/** JSON of a recognition: names instead of enum numbers, the signed verdicts as received. */
export function recognitionJson(r: Recognition): Record<string, unknown> {
  return {
    level: levelName(r.level),
    partial: r.partial,
    asked: r.asked,
    missing: r.missing,
    verdicts: r.verdicts.map((v) => ({
      issuer: v.verdict!.issuer,
      level: levelName(v.verdict!.level),
      noRecords: v.verdict!.noRecords,
      disputed: v.verdict!.disputed,
      grade: v.verdict!.grade ?? null,
      basis: v.verdict!.basis.map((b) => ({ ...b, category: categoryName(b.category) ?? b.category })),
      recordsWithheld: v.verdict!.recordsWithheld,
      issuedAt: v.verdict!.issuedAt,
      validUntil: v.verdict!.validUntil,
      verdictId: v.verdict!.verdictId,
      jws: v.jws,
    })),
  };
}
