import {
  DisclosureClass,
  RecordCategory,
  RecordStatus,
  type Authority,
  type CreditRecord,
  type DateRange,
} from '../../../gen/credfed/v1/record.js';
import { IdentifierScheme, SubjectKind, type Identifier } from '../../../gen/credfed/v1/subject.js';
import type { ErrorCode } from '../../errors.js';
import { validateIdentifier, type IdScheme } from '../../ids/index.js';
import { err, ok, type Result } from '../../result.js';
import { validateRecord } from '../validate-record.js';
import {
  isOpenEnded,
  isResidentIdType,
  parseAmount,
  parseLicenceType,
  parseSeverity,
  parseSubjectCategory,
  splitPenaltyTypes,
} from './cell-values.js';
import { IDENTIFIER_COLUMNS, standardHeader, type ColumnKey } from './csv-columns.js';
import { csvRecordId } from './record-id.js';
import type { CsvHeader } from './recognize-header.js';
import { parseWrittenDate } from './written-date.js';

/** Why a row was rejected: a catalogue code, the column at fault (its header as written) and a message. */
export interface RowProblem {
  readonly column: string;
  readonly reason: ErrorCode;
  readonly message: string;
}

export interface MapRowContext {
  /** This node: the records' origin. */
  readonly originId: string;
  /** The import time: every record's reported_at. */
  readonly now: Date;
}

const CODE_SCHEMES: ReadonlyMap<ColumnKey, IdentifierScheme> = new Map([
  ['uscc', IdentifierScheme.IDENTIFIER_SCHEME_USCC],
  ['regNo', IdentifierScheme.IDENTIFIER_SCHEME_REGISTRATION_NUMBER],
  ['orgCode', IdentifierScheme.IDENTIFIER_SCHEME_ORG_CODE],
  ['taxNo', IdentifierScheme.IDENTIFIER_SCHEME_TAX_NUMBER],
  ['institutionNo', IdentifierScheme.IDENTIFIER_SCHEME_INSTITUTION_CERTIFICATE],
  ['socialOrgNo', IdentifierScheme.IDENTIFIER_SCHEME_SOCIAL_ORG_CERTIFICATE],
]);

/** Record fields validateRecord may name, and the column they come from. */
const FIELD_COLUMNS: readonly [string, ColumnKey][] = [
  ['subject.name', 'name'],
  ['subject.kind', 'subjectCategory'],
  ['authority', 'authority'],
  ['decision_date', 'decisionDate'],
  ['publicity', 'publicityTo'],
  ['licence.decision_document_number', 'licenceDocumentNumber'],
  ['licence.validity', 'validTo'],
  ['penalty.decision_number', 'penaltyDecisionNumber'],
  ['penalty.fine_wan_yuan', 'fine'],
  ['penalty.confiscated_wan_yuan', 'confiscated'],
];

class Rejected {
  constructor(readonly problem: RowProblem) {}
}

/** Reads the cells of one row, throwing Rejected (caught in mapCsvRow) at the first problem. */
class RowReader {
  constructor(
    private readonly header: CsvHeader,
    private readonly fields: readonly string[],
  ) {}

  /** The column's header as written in the file (the standard one if the file lacks the column). */
  column(key: ColumnKey): string {
    return this.header.columns.get(key)?.header ?? standardHeader(this.header.kind, key);
  }

  rejectAt(column: string, reason: ErrorCode, message: string): never {
    throw new Rejected({ column, reason, message });
  }

  reject(key: ColumnKey, reason: ErrorCode, message: string): never {
    return this.rejectAt(this.column(key), reason, message);
  }

  /** The cell, trimmed; "" when the file has no such column. */
  cell(key: ColumnKey): string {
    const found = this.header.columns.get(key);
    return found ? (this.fields[found.index] ?? '').trim() : '';
  }

  required(key: ColumnKey): string {
    const value = this.cell(key);
    return value === '' ? this.reject(key, 'RECORD_FIELD_MISSING', 'empty: a value is required') : value;
  }

  /** A written date as YYYY-MM-DD, "" when blank. */
  date(key: ColumnKey): string {
    const value = this.cell(key);
    if (value === '') return '';
    const parsed = parseWrittenDate(value);
    return parsed.error === undefined ? parsed.value : this.reject(key, 'RECORD_FIELD_INVALID', parsed.error);
  }

  coded<T>(key: ColumnKey, parsed: Result<T, string>): T {
    return parsed.error === undefined ? parsed.value : this.reject(key, 'RECORD_FIELD_INVALID', parsed.error);
  }

  /** A normalised identifier, checked by the core validators. */
  identifier(key: ColumnKey, scheme: IdScheme, value: string): string {
    const checked = validateIdentifier(scheme, value);
    return checked.error === undefined ? checked.value.normalized : this.reject(key, 'IDENTIFIER_INVALID', checked.error.message);
  }

  authority(nameKey: ColumnKey, usccKey: ColumnKey): Authority {
    const uscc = this.cell(usccKey);
    return { name: this.cell(nameKey), uscc: uscc === '' ? '' : this.identifier(usccKey, 'uscc', uscc) };
  }
}

/**
 * Maps one data row of a recognised 双公示 export to a credit record of this
 * node, or the first problem with it, naming the column as written in the
 * file. The mapping, column by column, is documented in README "Importing
 * 双公示 CSV exports". Identifiers are checked by the core validators and
 * the result by validateRecord. Pure.
 */
export function mapCsvRow(header: CsvHeader, fields: readonly string[], ctx: MapRowContext): Result<CreditRecord, RowProblem> {
  try {
    return ok(buildRecord(header, fields, ctx));
  } catch (e) {
    if (e instanceof Rejected) return err(e.problem);
    throw e;
  }
}

function buildRecord(header: CsvHeader, fields: readonly string[], ctx: MapRowContext): CreditRecord {
  const { kind } = header;
  const r = new RowReader(header, fields);

  if (fields.length !== header.cells.length) {
    const where = fields.length < header.cells.length ? header.cells[fields.length]! : `column ${header.cells.length + 1}`;
    r.rejectAt(where, 'IMPORT_LINE_INVALID', `the row has ${fields.length} fields, the header has ${header.cells.length}`);
  }

  // The subject
  const name = r.required('name');
  const subjectKind = r.coded('subjectCategory', parseSubjectCategory(r.required('subjectCategory')));
  // Checked and normalised by validateRecord below; identifierColumns[i] is where identifiers[i] came from.
  const identifiers: Identifier[] = [];
  const identifierColumns: ColumnKey[] = [];
  if (subjectKind === SubjectKind.SUBJECT_KIND_NATURAL_PERSON) {
    if (!isResidentIdType(r.cell('idType'))) {
      r.reject('idType', 'RECORD_FIELD_INVALID', `natural persons are identified by a 身份证 number here, found the document type "${r.cell('idType')}"`);
    }
    identifiers.push({ scheme: IdentifierScheme.IDENTIFIER_SCHEME_RESIDENT_ID, value: r.required('idNumber'), masked: '' });
    identifierColumns.push('idNumber');
  } else {
    for (const key of IDENTIFIER_COLUMNS) {
      const value = r.cell(key);
      if (value === '') continue;
      identifiers.push({ scheme: CODE_SCHEMES.get(key)!, value, masked: '' });
      identifierColumns.push(key);
    }
    if (identifiers.length === 0) {
      const first = IDENTIFIER_COLUMNS.find((key) => header.columns.has(key)) ?? 'uscc';
      r.reject(first, 'RECORD_FIELD_MISSING', `no identifier: fill at least one of ${IDENTIFIER_COLUMNS.filter((k) => header.columns.has(k)).map((k) => r.column(k)).join(', ')}`);
    }
  }
  const subject = { kind: subjectKind, name, identifiers, legalRepresentative: r.cell('legalRepresentative') };

  // The decision
  const decisionNumber = r.required(kind === 'licence' ? 'licenceDocumentNumber' : 'penaltyDecisionNumber');
  const decisionDate = r.date('decisionDate') || r.reject('decisionDate', 'RECORD_FIELD_MISSING', 'empty: a value is required');
  r.required('authority');
  const decidedBy = r.authority('authority', 'authorityUscc');
  const source = r.authority('dataSource', 'dataSourceUscc');
  const ms = ctx.now.getTime();
  const common = {
    originId: ctx.originId,
    version: 0,
    subject,
    authority: decidedBy,
    decisionDate,
    reportedAt: { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 },
    disclosure: DisclosureClass.DISCLOSURE_CLASS_PUBLIC,
    status: RecordStatus.RECORD_STATUS_ACTIVE,
    dataSource: source.name || source.uscc ? source : undefined,
  };

  let record: CreditRecord;
  let licenceNumber: string | undefined;
  if (kind === 'licence') {
    licenceNumber = r.cell('licenceNumber');
    const validity: DateRange = { from: r.date('validFrom'), to: isOpenEnded(r.cell('validTo')) ? '' : r.date('validTo') };
    record = {
      ...common,
      recordId: '',
      category: RecordCategory.RECORD_CATEGORY_ADMINISTRATIVE_LICENCE,
      publicity: undefined,
      details: {
        $case: 'licence',
        value: {
          decisionDocumentName: r.cell('licenceDocumentName'),
          decisionDocumentNumber: decisionNumber,
          licenceType: r.coded('licenceType', parseLicenceType(r.cell('licenceType'))),
          certificateName: r.cell('certificateName'),
          licenceNumber,
          content: r.cell('licenceContent'),
          validity: validity.from || validity.to ? validity : undefined,
          currentState: r.cell('currentState'),
        },
      },
    };
  } else {
    r.date('penaltyValidTo'); // checked, not stored: the contract has no field for it
    record = {
      ...common,
      recordId: '',
      category: RecordCategory.RECORD_CATEGORY_ADMINISTRATIVE_PENALTY,
      publicity: { from: decisionDate, to: r.date('publicityTo') },
      details: {
        $case: 'penalty',
        value: {
          decisionNumber,
          violationType: r.cell('violationType'),
          violationFacts: r.cell('violationFacts'),
          legalBasis: r.cell('legalBasis'),
          penaltyTypes: splitPenaltyTypes(r.cell('penaltyTypes')),
          content: r.cell('penaltyContent'),
          fineWanYuan: r.coded('fine', parseAmount(r.cell('fine'))),
          confiscatedWanYuan: r.coded('confiscated', parseAmount(r.cell('confiscated'))),
          suspendedLicences: r.cell('suspendedLicences'),
          severity: r.coded('severity', parseSeverity(r.cell('severity'))),
        },
      },
    };
  }

  // The record id is checked too: a placeholder until the identifiers are normalised.
  const validated = validateRecord({ ...record, recordId: PLACEHOLDER_ID }, { requireVersion: false });
  if (validated.error) {
    const { field, reason, message } = validated.error;
    const id = /^subject\.identifiers\[(\d+)\]/.exec(field);
    const key = id ? identifierColumns[Number(id[1])] : FIELD_COLUMNS.find(([prefix]) => field === prefix || field.startsWith(`${prefix}.`))?.[1];
    if (key) r.reject(key, reason, message);
    r.rejectAt(field, reason, message);
  }
  const valid = validated.value!;
  const first = valid.subject!.identifiers[0]!;
  const subjectKey = subjectKind === SubjectKind.SUBJECT_KIND_NATURAL_PERSON ? `name:${name}` : `${IdentifierScheme[first.scheme]}:${first.value}`;
  return { ...valid, recordId: csvRecordId({ kind, decisionNumber, licenceNumber, subjectKey }) };
}

/** As long as a real record id, so the length check in validateRecord means something. */
const PLACEHOLDER_ID = 'csv-xxx-00000000000000000000000000000000';
