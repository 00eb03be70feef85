/**
 * Parsers for the coded cells of 双公示 exports: subject category, licence
 * type, penalty severity, penalty categories and amounts. Each returns the
 * value or a message naming what was expected. Pure.
 */
import { LicenceType, PenaltySeverity } from '../../../gen/credfed/v1/record.js';
import { SubjectKind } from '../../../gen/credfed/v1/subject.js';
import { err, ok, type Result } from '../../result.js';

const SUBJECT_KINDS: ReadonlyMap<string, SubjectKind> = new Map([
  ['法人及非法人组织', SubjectKind.SUBJECT_KIND_LEGAL_PERSON],
  ['法人和非法人组织', SubjectKind.SUBJECT_KIND_LEGAL_PERSON],
  ['法人', SubjectKind.SUBJECT_KIND_LEGAL_PERSON],
  ['非法人组织', SubjectKind.SUBJECT_KIND_LEGAL_PERSON],
  ['自然人', SubjectKind.SUBJECT_KIND_NATURAL_PERSON],
  ['个体工商户', SubjectKind.SUBJECT_KIND_INDIVIDUAL_BUSINESS],
]);

/** 行政相对人类别 → subject kind. */
export function parseSubjectCategory(text: string): Result<SubjectKind, string> {
  const kind = SUBJECT_KINDS.get(compact(text));
  return kind ? ok(kind) : err(`unknown subject category "${text}": expected 法人及非法人组织, 自然人 or 个体工商户`);
}

const LICENCE_TYPES: ReadonlyMap<string, LicenceType> = new Map([
  ['普通', LicenceType.LICENCE_TYPE_GENERAL],
  ['特许', LicenceType.LICENCE_TYPE_FRANCHISE],
  ['认可', LicenceType.LICENCE_TYPE_RECOGNITION],
  ['核准', LicenceType.LICENCE_TYPE_APPROVAL],
  ['登记', LicenceType.LICENCE_TYPE_REGISTRATION],
  ['其他', LicenceType.LICENCE_TYPE_OTHER],
]);

/** 许可类别 (普通, 特许, 认可, 核准, 登记, 其他; `普通许可` too) → licence type; blank → unspecified. */
export function parseLicenceType(text: string): Result<LicenceType, string> {
  const t = compact(text);
  if (t === '') return ok(LicenceType.LICENCE_TYPE_UNSPECIFIED);
  const type = LICENCE_TYPES.get(t) ?? LICENCE_TYPES.get(t.replace(/许可$/, ''));
  return type ? ok(type) : err(`unknown licence type "${text}": expected 普通, 特许, 认可, 核准, 登记 or 其他`);
}

const SEVERITIES: ReadonlyMap<string, PenaltySeverity> = new Map([
  ['轻微', PenaltySeverity.PENALTY_SEVERITY_MINOR],
  ['一般', PenaltySeverity.PENALTY_SEVERITY_GENERAL],
  ['严重', PenaltySeverity.PENALTY_SEVERITY_SERIOUS],
]);

/** 处罚严重程度 (轻微, 一般, 严重) → severity; blank → unspecified. */
export function parseSeverity(text: string): Result<PenaltySeverity, string> {
  const t = compact(text);
  if (t === '') return ok(PenaltySeverity.PENALTY_SEVERITY_UNSPECIFIED);
  const severity = SEVERITIES.get(t);
  return severity ? ok(severity) : err(`unknown severity "${text}": expected 轻微, 一般 or 严重`);
}

/** 处罚类别, e.g. `警告、罚款` → ["警告", "罚款"] (split on 、 , ， ; ；). */
export function splitPenaltyTypes(text: string): string[] {
  return text
    .split(/[、,，;；]/)
    .map((t) => t.trim())
    .filter((t) => t !== '');
}

/** As the contract wants it: at most 12 integer digits and 6 decimals. */
const DECIMAL = /^\d{1,12}(\.\d{1,6})?$/;

/**
 * An amount in 万元, kept as the decimal string written (full-width digits
 * and spaces aside); blank → "". Never a float; no thousands separators, no
 * decimal comma: `1,5` is refused rather than guessed.
 */
export function parseAmount(text: string): Result<string, string> {
  const t = text.normalize('NFKC').trim();
  if (t === '') return ok('');
  if (DECIMAL.test(t)) return ok(t);
  if (/^[\d.,]+$/.test(t) && t.includes(',')) {
    return err(`"${text}" has a comma: write amounts in 万元 with a decimal point and no separators, e.g. 1.5`);
  }
  return err(`expected an amount in 万元 such as 1.5 (digits and at most one decimal point), found "${text}"`);
}

/** Values that mean a validity without an end (有效期至). */
const OPEN_ENDED = new Set(['长期', '长期有效', '永久', '永久有效', '无固定期限']);

/** Whether 有效期至 says the licence does not expire. */
export function isOpenEnded(text: string): boolean {
  return OPEN_ENDED.has(compact(text));
}

/** Identity document types (证件类型) that mean a resident identity card; blank counts as one. */
const RESIDENT_ID_TYPES = new Set(['', '身份证', '居民身份证', '身份证号', '身份证号码', '居民身份证号码']);

/** Whether 证件类型 names a resident identity card (or is blank). */
export function isResidentIdType(text: string): boolean {
  return RESIDENT_ID_TYPES.has(compact(text));
}

/** NFKC, without whitespace. */
function compact(text: string): string {
  return text.normalize('NFKC').replace(/\s+/g, '');
}
