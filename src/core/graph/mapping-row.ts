/**
 * One data row of a mapping file (README "Mapping legacy codes"): a USCC and
 * the legacy codes it replaced, validated and normalised, and the subject
 * description it becomes for the identifier graph. An invalid cell rejects the
 * row with its column and the rule that failed; a rejected row is never
 * linked. Pure: no I/O.
 */
import { IdentifierScheme, SubjectKind, type Subject } from '../../gen/credfed/v1/subject.js';
import { detectSchemes, normalizeIdentifier, validateIdentifier, type IdRule, type IdScheme } from '../ids/index.js';
import { err, ok, type Result } from '../result.js';
import { LEGACY_COLUMNS, MAPPING_HEADERS, type MappingColumnKey, type MappingHeader } from './mapping-header.js';

/** The rule a row broke: an identifier rule; `scheme` (a legacy cell that is no legacy code); `ambiguous`; `missing` (no legacy code). */
export type MappingRule = IdRule | 'scheme' | 'ambiguous' | 'missing';

/** Why a row was rejected. Callers branch on `rule`, never on `message`; the message never holds more than one character of a code. */
export interface MappingRowProblem {
  /** The column's header as written; for `missing`, the legacy-code columns. */
  readonly column: string;
  readonly rule: MappingRule;
  readonly message: string;
}

/** A legacy code of the row. */
export interface LegacyCode {
  readonly scheme: IdentifierScheme;
  readonly value: string;
}

/** A valid row. */
export interface MappingRow {
  readonly uscc: string;
  /** Distinct legacy codes, in column order (organisation code, registration number, generic). */
  readonly legacy: readonly LegacyCode[];
  /** The name given, trimmed; '' when the file has none. */
  readonly name: string;
}

/** Longest name accepted (the record validator's text limit). */
export const MAX_NAME_LENGTH = 8192;

const { IDENTIFIER_SCHEME_USCC: USCC, IDENTIFIER_SCHEME_ORG_CODE: ORG, IDENTIFIER_SCHEME_REGISTRATION_NUMBER: REGNO } = IdentifierScheme;
const LEGACY_SCHEMES: Readonly<Record<'org' | 'regno', IdentifierScheme>> = { org: ORG, regno: REGNO };

/** Reads one data row under its header. */
export function mapMappingRow(header: MappingHeader, fields: readonly string[]): Result<MappingRow, MappingRowProblem> {
  const cell = (key: MappingColumnKey) => {
    const found = header.columns.get(key);
    return found ? { header: found.header, text: fields[found.index] ?? '' } : undefined;
  };
  const usccCell = cell('uscc')!;
  const uscc = validateIdentifier('uscc', usccCell.text);
  if (uscc.error) return err({ column: usccCell.header, rule: uscc.error.rule, message: uscc.error.message });
  const legacy: LegacyCode[] = [];
  for (const key of LEGACY_COLUMNS) {
    const c = cell(key);
    if (!c || normalizeIdentifier(c.text) === '') continue;
    const code = key === 'legacy' ? detectLegacy(c.text) : validateLegacy(key, c.text);
    if (code.error) return err({ column: c.header, ...code.error });
    if (!legacy.some((l) => l.scheme === code.value.scheme && l.value === code.value.value)) legacy.push(code.value);
  }
  if (legacy.length === 0) {
    const columns = LEGACY_COLUMNS.flatMap((key) => header.columns.get(key)?.header ?? []);
    return err({ column: columns.join(', '), rule: 'missing', message: `missing: no legacy code on the row (${columns.join(', ')} empty)` });
  }
  const nameCell = cell('name');
  const name = nameCell?.text.trim() ?? '';
  if (name.length > MAX_NAME_LENGTH) {
    return err({ column: nameCell!.header, rule: 'length', message: `length: a name of at most ${MAX_NAME_LENGTH} characters, found ${name.length}` });
  }
  return ok({ uscc: uscc.value.normalized, legacy, name });
}

function validateLegacy(scheme: 'org' | 'regno', text: string): Result<LegacyCode, Omit<MappingRowProblem, 'column'>> {
  const checked = validateIdentifier(scheme, text);
  if (checked.error) return err({ rule: checked.error.rule, message: checked.error.message });
  return ok({ scheme: LEGACY_SCHEMES[scheme], value: checked.value.normalized });
}

/** A cell of the generic legacy column: an organisation code or a registration number, whichever it is valid as. */
function detectLegacy(text: string): Result<LegacyCode, Omit<MappingRowProblem, 'column'>> {
  const schemes = detectSchemes(text);
  const legacy = schemes.filter((s): s is 'org' | 'regno' => s === 'org' || s === 'regno');
  if (legacy.length > 1) return err({ rule: 'ambiguous', message: `ambiguous: valid as ${legacy.join(' and ')}; put it in the ${MAPPING_HEADERS.org[0]} or ${MAPPING_HEADERS.regno[0]} column` });
  if (legacy.length === 1) return validateLegacy(legacy[0]!, text);
  if (schemes.length > 0) {
    return err({ rule: 'scheme', message: `scheme: valid as ${schemes.join(' and ')}, not as a legacy code (an organisation code or a registration number)` });
  }
  const length = normalizeIdentifier(text).length;
  const guess: IdScheme | undefined = length === 9 ? 'org' : length === 15 ? 'regno' : undefined;
  if (guess) return validateLegacy(guess, text);
  return err({
    rule: 'scheme',
    message: `scheme: neither an organisation code (9 characters) nor a registration number (15 characters): found ${length} characters`,
  });
}

/** The subject kind a USCC's entity type (positions 1–2) says: 92 individual business, other 9x legal person, else other organisation. */
export function kindOfUscc(uscc: string): SubjectKind {
  if (uscc.startsWith('92')) return SubjectKind.SUBJECT_KIND_INDIVIDUAL_BUSINESS;
  if (uscc.startsWith('9')) return SubjectKind.SUBJECT_KIND_LEGAL_PERSON;
  return SubjectKind.SUBJECT_KIND_OTHER_ORGANISATION;
}

/** The subject description a row gives the identifier graph: the USCC and its legacy codes, named or not. */
export function mappingSubject(row: MappingRow): Subject {
  return {
    kind: kindOfUscc(row.uscc),
    name: row.name,
    identifiers: [{ scheme: USCC, value: row.uscc }, ...row.legacy].map((id) => ({ ...id, masked: '' })),
    legalRepresentative: '',
  };
}
