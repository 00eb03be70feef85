/**
 * The facts of a verdict (issue 7): level, grade, basis, from the records in
 * force a gateway holds about one subject and its recognition rules. Pure: the
 * caller reads the records, decides what the asker may see and signs the result.
 */
import { CATEGORY_NAMES } from '../agreements/agreement.js';
import { PenaltySeverity, RecordStatus, type CreditRecord } from '../../gen/credfed/v1/record.js';
import { CreditLevel, type BasisRecord, type CreditGrade } from '../../gen/credfed/v1/verdict.js';
import { DEFAULT_RULES, SEVERITY_NAMES, levelPrecedence, toCreditLevel, type RecognitionRules, type RecordMatch } from './recognition-rules.js';

export interface VerdictFacts {
  level: CreditLevel;
  /** The latest credit grade in force, when the asker may see its record. */
  grade?: CreditGrade;
  /** No record in force is held about the subject. */
  noRecords: boolean;
  /** A record that decided the level is disputed. */
  disputed: boolean;
  /** The records the asker may see: decisive first, then by decision date (latest first), then key. */
  basis: BasisRecord[];
  /** Records in force the asker may not see (counted, not listed). */
  withheld: number;
}

export interface VerdictOptions {
  /** Today in Asia/Shanghai, "YYYY-MM-DD": an evaluation whose valid_to is before it has expired. */
  readonly today: string;
}

/**
 * Computes the verdict facts. `records` are the latest version of each record
 * about the subject; only ACTIVE and DISPUTED ones are in force (others are
 * ignored). `visible` says whether the asker may see a record.
 *
 * A credit evaluation counts (for a level and for the grade) only while it has
 * not expired and no later evaluation on the same scale supersedes it.
 */
export function computeVerdict(
  records: readonly CreditRecord[],
  rules: RecognitionRules,
  visible: (r: CreditRecord) => boolean,
  opts: VerdictOptions,
): VerdictFacts {
  const inForce = records.filter((r) => r.status === RecordStatus.RECORD_STATUS_ACTIVE || r.status === RecordStatus.RECORD_STATUS_DISPUTED);
  const counted = inForce.filter((r) => r.status === RecordStatus.RECORD_STATUS_ACTIVE || rules.disputed === 'count');
  const evaluations = currentEvaluations(counted, opts.today);
  const counts = (r: CreditRecord) => r.details?.$case !== 'evaluation' || evaluations.includes(r);

  let level = toCreditLevel(rules.otherwise);
  let decisive = new Set<CreditRecord>();
  for (const rule of rules.levels) {
    const hits = counted.filter((r) => counts(r) && rule.when.some((m) => matches(r, m)));
    if (hits.length > 0) {
      level = toCreditLevel(rule.level);
      decisive = new Set(hits);
      break;
    }
  }

  const shown = inForce.filter((r) => visible(r));
  const basis = shown
    .map((r) => toBasis(r, decisive.has(r)))
    .sort((a, b) => Number(b.decisive) - Number(a.decisive) || cmp(b.decisionDate, a.decisionDate) || cmp(a.originId, b.originId) || cmp(a.recordId, b.recordId));

  const latest = evaluations.reduce<CreditRecord | undefined>((best, r) => (best === undefined || newer(r, best) ? r : best), undefined);
  const grade = latest && visible(latest) ? toGrade(latest) : undefined;

  return {
    level,
    ...(grade ? { grade } : {}),
    noRecords: inForce.length === 0,
    disputed: [...decisive].some((r) => r.status === RecordStatus.RECORD_STATUS_DISPUTED),
    basis,
    withheld: inForce.length - shown.length,
  };
}

/**
 * The level of highest precedence among several (e.g. one verdict per
 * platform): the rules' order, then `otherwise`; levels the rules do not name
 * rank after those, in the default order. NORMAL when there is none.
 */
export function combineLevels(levels: readonly CreditLevel[], rules: RecognitionRules): CreditLevel {
  const order = [...levelPrecedence(rules), ...levelPrecedence(DEFAULT_RULES)].map(toCreditLevel);
  let best: CreditLevel | undefined;
  for (const l of levels) {
    const rank = order.indexOf(l);
    if (rank >= 0 && (best === undefined || rank < order.indexOf(best))) best = l;
  }
  return best ?? CreditLevel.CREDIT_LEVEL_NORMAL;
}

function matches(r: CreditRecord, m: RecordMatch): boolean {
  if (CATEGORY_NAMES[r.category - 1] !== m.category) return false;
  if (m.severities) {
    const severity = r.details?.$case === 'penalty' ? SEVERITY_NAMES[r.details.value.severity - 1] : undefined;
    if (!severity || !m.severities.includes(severity)) return false;
  }
  if (m.grades) {
    const grade = r.details?.$case === 'evaluation' ? r.details.value.grade.trim().toUpperCase() : undefined;
    if (!grade || !m.grades.includes(grade)) return false;
  }
  return true;
}

/** Evaluations not expired, the latest of each scale. */
function currentEvaluations(records: readonly CreditRecord[], today: string): CreditRecord[] {
  const byScale = new Map<string, CreditRecord>();
  for (const r of records) {
    if (r.details?.$case !== 'evaluation') continue;
    const { validTo, scale } = r.details.value;
    if (validTo !== '' && validTo < today) continue;
    const held = byScale.get(scale);
    if (!held || newer(r, held)) byScale.set(scale, r);
  }
  return [...byScale.values()];
}

/** Later by decision date, then by reported-at, then (for a stable choice) by key. */
function newer(a: CreditRecord, b: CreditRecord): boolean {
  return (cmp(a.decisionDate, b.decisionDate) || reportedMs(a) - reportedMs(b) || cmp(b.originId, a.originId) || cmp(b.recordId, a.recordId)) > 0;
}

const reportedMs = (r: CreditRecord): number => (r.reportedAt ? r.reportedAt.seconds * 1000 + Math.floor(r.reportedAt.nanos / 1e6) : 0);
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function toBasis(r: CreditRecord, decisive: boolean): BasisRecord {
  return {
    originId: r.originId,
    recordId: r.recordId,
    version: r.version,
    category: r.category,
    status: r.status,
    severity: r.details?.$case === 'penalty' ? r.details.value.severity : PenaltySeverity.PENALTY_SEVERITY_UNSPECIFIED,
    decisionDate: r.decisionDate,
    authority: r.authority?.name ?? '',
    decisive,
  };
}

function toGrade(r: CreditRecord): CreditGrade | undefined {
  if (r.details?.$case !== 'evaluation') return undefined;
  const { grade, scale, validTo } = r.details.value;
  return { grade, scale, evaluator: r.authority?.name ?? '', validTo };
}
