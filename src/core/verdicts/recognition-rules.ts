/**
 * The rules that turn the records a gateway holds about a subject into a
 * verdict level (issue 7, point 3). Configuration (`recognition.rules`);
 * defaults in DEFAULT_RULES, documented in the README ("Recognition rules").
 *
 * The document form is the value's own shape:
 *
 *   levels:                      # precedence order: the first rule with a counted record decides
 *     - level: dishonest
 *       when: [{ category: dishonesty_list }, { category: dishonest_debtor }]
 *     - level: key_attention
 *       when: [{ category: key_attention }, { category: administrative_penalty, severities: [serious] }]
 *   otherwise: normal
 *   disputed: count              # or ignore
 *
 * Every problem is listed with its path; nothing partial is returned.
 */
import { CATEGORY_NAMES, type CategoryName } from '../agreements/agreement.js';
import { CreditLevel } from '../../gen/credfed/v1/verdict.js';
import { err, ok, type Result } from '../result.js';

/** Levels by their configuration names, in contract enum order (CreditLevel 1..5). */
export const LEVEL_NAMES = ['dishonest', 'key_attention', 'normal', 'good', 'trustworthy'] as const;
export type LevelName = (typeof LEVEL_NAMES)[number];

/** Penalty severities by their configuration names, in contract enum order (PenaltySeverity 1..3). */
export const SEVERITY_NAMES = ['minor', 'general', 'serious'] as const;
export type SeverityName = (typeof SEVERITY_NAMES)[number];

export const DISPUTED_MODES = ['count', 'ignore'] as const;

/** Which records a level rule matches: a category, narrowed for penalties by severity and for evaluations by grade. */
export interface RecordMatch {
  readonly category: CategoryName;
  /** Penalties only: the severities that count; absent: every severity. */
  readonly severities?: readonly SeverityName[];
  /** Credit evaluations only: the grades that count (exact, upper-case); absent: every grade. */
  readonly grades?: readonly string[];
}

export interface LevelRule {
  readonly level: LevelName;
  /** A record in force matching any of these gives the level. */
  readonly when: readonly RecordMatch[];
}

export interface RecognitionRules {
  /** In precedence order: the first rule with a matching record decides; also the order used to combine verdicts. */
  readonly levels: readonly LevelRule[];
  /** The level when no rule matches (also when no record is held). */
  readonly otherwise: LevelName;
  /** What a disputed record does: `count` (it counts, the verdict says disputed) or `ignore` (it does not count; still listed as basis). */
  readonly disputed: 'count' | 'ignore';
}

/**
 * The default rules (README: "Recognition rules"). Grades are matched exactly
 * whatever the scale, so "A" is both the 三等九级 A and the tax-credit A.
 */
export const DEFAULT_RULES: RecognitionRules = deepFreeze({
  levels: [
    { level: 'dishonest', when: [{ category: 'dishonesty_list' }, { category: 'dishonest_debtor' }] },
    { level: 'key_attention', when: [{ category: 'key_attention' }, { category: 'administrative_penalty', severities: ['serious'] }] },
    { level: 'trustworthy', when: [{ category: 'red_list' }, { category: 'credit_evaluation', grades: ['AAA'] }] },
    { level: 'good', when: [{ category: 'credit_evaluation', grades: ['AA', 'A'] }] },
  ],
  otherwise: 'normal',
  disputed: 'count',
});

/** The levels from highest precedence to lowest: the rules' order, then `otherwise`. */
export function levelPrecedence(rules: RecognitionRules): LevelName[] {
  const out = rules.levels.map((r) => r.level);
  if (!out.includes(rules.otherwise)) out.push(rules.otherwise);
  return out;
}

/** The contract's value of a level name (LEVEL_NAMES is in enum order 1..5). */
export function toCreditLevel(name: LevelName): CreditLevel {
  return (LEVEL_NAMES.indexOf(name) + 1) as CreditLevel;
}

/** The level name of a contract value; undefined for UNSPECIFIED and unknown values. */
export function fromCreditLevel(level: CreditLevel): LevelName | undefined {
  return LEVEL_NAMES[level - 1];
}

/** The document of rules: parsing it gives the same rules. */
export function rulesToDocument(rules: RecognitionRules): Record<string, unknown> {
  return {
    levels: rules.levels.map((r) => ({
      level: r.level,
      when: r.when.map((m) => ({
        category: m.category,
        ...(m.severities ? { severities: [...m.severities] } : {}),
        ...(m.grades ? { grades: [...m.grades] } : {}),
      })),
    })),
    otherwise: rules.otherwise,
    disputed: rules.disputed,
  };
}

const TOP_KEYS = ['levels', 'otherwise', 'disputed'];
const GRADE = /^[A-Z][A-Z0-9+-]{0,7}$/;

/**
 * Checks a rules document (a parsed YAML/JSON value). A setting left out takes
 * its default (levels: DEFAULT_RULES.levels, otherwise: normal, disputed: count).
 * Problems are "path: problem", the path relative to the document.
 */
export function parseRecognitionRules(raw: unknown): Result<RecognitionRules, string[]> {
  const p: string[] = [];
  const add = (path: string, problem: string) => p.push(`${path}: ${problem}`);
  if (!isMap(raw)) return err(['rules: expected a mapping with levels, otherwise and disputed']);
  for (const k of Object.keys(raw)) if (!TOP_KEYS.includes(k)) add(k, `unknown setting (known: ${TOP_KEYS.join(', ')})`);

  const levels: LevelRule[] = [];
  if (raw.levels === undefined || raw.levels === null) levels.push(...DEFAULT_RULES.levels);
  else if (!Array.isArray(raw.levels)) add('levels', 'expected a list of { level, when }');
  else
    raw.levels.forEach((rule: unknown, i: number) => {
      const at = `levels[${i}]`;
      if (!isMap(rule)) return add(at, 'expected { level, when }');
      for (const k of Object.keys(rule)) if (k !== 'level' && k !== 'when') add(`${at}.${k}`, 'unknown setting (known: level, when)');
      const level = oneOf(`${at}.level`, rule.level, 'level', LEVEL_NAMES, add);
      if (level && levels.some((l) => l.level === level)) add(`${at}.level`, `"${level}" is listed twice`);
      const when = parseWhen(`${at}.when`, rule.when, add);
      if (level && when) levels.push({ level, when });
    });

  const otherwise = raw.otherwise === undefined ? DEFAULT_RULES.otherwise : oneOf('otherwise', raw.otherwise, 'level', LEVEL_NAMES, add);
  if (otherwise && levels.some((l) => l.level === otherwise)) {
    const i = Array.isArray(raw.levels) ? raw.levels.findIndex((r: unknown) => isMap(r) && r.level === otherwise) : -1;
    add('otherwise', `"${otherwise}" is also the level of ${i >= 0 ? `levels[${i}]` : 'a default rule'}; a level is either a rule or the otherwise`);
  }
  const disputed = raw.disputed === undefined ? DEFAULT_RULES.disputed : oneOf('disputed', raw.disputed, 'mode', DISPUTED_MODES, add);

  if (p.length > 0 || !otherwise || !disputed) return err(p);
  return ok(deepFreeze({ levels, otherwise, disputed }));
}

function parseWhen(at: string, raw: unknown, add: (path: string, problem: string) => void): RecordMatch[] | undefined {
  if (raw === undefined || raw === null) return (add(at, 'is required'), undefined);
  if (!Array.isArray(raw)) return (add(at, 'expected a list of { category, severities?, grades? }'), undefined);
  if (raw.length === 0) return (add(at, 'must not be empty'), undefined);
  const out: RecordMatch[] = [];
  let bad = false;
  raw.forEach((m: unknown, j: number) => {
    const mat = `${at}[${j}]`;
    if (!isMap(m)) return ((bad = true), add(mat, 'expected { category, severities?, grades? }'));
    for (const k of Object.keys(m)) if (!['category', 'severities', 'grades'].includes(k)) add(`${mat}.${k}`, 'unknown setting (known: category, severities, grades)');
    const category = oneOf(`${mat}.category`, m.category, 'category', CATEGORY_NAMES, add);
    let severities: SeverityName[] | undefined;
    let grades: string[] | undefined;
    if (m.severities !== undefined) {
      if (category && category !== 'administrative_penalty') add(`${mat}.severities`, `only an administrative_penalty has a severity, not ${category}`);
      severities = names(`${mat}.severities`, m.severities, add, (v) => (SEVERITY_NAMES.includes(v as SeverityName) ? undefined : unknown('severity', v, SEVERITY_NAMES))) as SeverityName[];
    }
    if (m.grades !== undefined) {
      if (category && category !== 'credit_evaluation') add(`${mat}.grades`, `only a credit_evaluation has a grade, not ${category}`);
      grades = names(`${mat}.grades`, m.grades, add, (v) => (GRADE.test(v) ? undefined : `"${v}" is not a grade (upper-case letters, e.g. AAA, or a sector grade such as M)`));
    }
    if (!category) return void (bad = true);
    out.push({ category, ...(severities ? { severities } : {}), ...(grades ? { grades } : {}) });
  });
  return bad ? undefined : out;
}

/** A non-empty list of distinct names, each checked. */
function names(at: string, raw: unknown, add: (path: string, problem: string) => void, check: (v: string) => string | undefined): string[] {
  if (!Array.isArray(raw)) return (add(at, 'expected a list'), []);
  if (raw.length === 0) add(at, 'must not be empty (leave it out to match every one)');
  const out: string[] = [];
  raw.forEach((v: unknown, i) => {
    if (typeof v !== 'string') return add(`${at}[${i}]`, `expected a name, found ${JSON.stringify(v)}`);
    const problem = check(v);
    if (problem) return add(`${at}[${i}]`, problem);
    if (out.includes(v)) return add(`${at}[${i}]`, `"${v}" is listed twice`);
    out.push(v);
  });
  return out;
}

function oneOf<T extends string>(at: string, v: unknown, what: string, known: readonly T[], add: (path: string, problem: string) => void): T | undefined {
  if (v === undefined || v === null) return (add(at, 'is required'), undefined);
  if (typeof v !== 'string') return (add(at, `expected a ${what} name, found ${JSON.stringify(v)}`), undefined);
  if (!known.includes(v as T)) return (add(at, unknown(what, v, known)), undefined);
  return v as T;
}

const unknown = (what: string, v: string, known: readonly string[]) => `unknown ${what} "${v}" (known: ${known.join(', ')})`;
const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}
