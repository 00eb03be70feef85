import { createHash } from 'node:crypto';
import type { CsvKind } from './csv-columns.js';

/** What makes a 双公示 row one record: the decision it reports and the subject it is about. */
export interface RecordKeyParts {
  readonly kind: CsvKind;
  /** 行政许可决定文书号 or 行政处罚决定书文号. */
  readonly decisionNumber: string;
  /** 许可编号 (licences; one decision may grant several licences). */
  readonly licenceNumber?: string;
  /**
   * The subject: its first identifier in column order as `scheme:normalised`
   * for organisations, `name:` and the name for natural persons (so the id
   * never carries a hash of a resident ID number, which is small enough to
   * be recovered from one).
   */
  readonly subjectKey: string;
}

const PREFIX: Readonly<Record<CsvKind, string>> = { licence: 'csv-lic-', penalty: 'csv-pen-' };
const HASH_HEX = 32;

/**
 * A stable record id for a 双公示 row: `csv-lic-` or `csv-pen-` and 128 bits
 * of SHA-256 over the normalised key parts (NFKC, no whitespace), 40
 * characters. Re-importing a row gives the same id; a corrected row with the
 * same decision and subject is a new version of the same record. Pure.
 */
export function csvRecordId(parts: RecordKeyParts): string {
  const text = [parts.kind, parts.decisionNumber, parts.licenceNumber ?? '', parts.subjectKey].map(canonical).join('\u001f');
  return PREFIX[parts.kind] + createHash('sha256').update(text, 'utf8').digest('hex').slice(0, HASH_HEX);
}

/** The 64 bits of a {@link csvRecordId}'s hash that tell rows apart in one file, as two 32-bit halves. */
export function recordIdFingerprint(recordId: string): readonly [number, number] {
  const hex = recordId.slice(-HASH_HEX);
  return [Number.parseInt(hex.slice(0, 8), 16), Number.parseInt(hex.slice(8, 16), 16)];
}

function canonical(text: string): string {
  return text.normalize('NFKC').replace(/\s+/g, '');
}
