/**
 * The rules that turn the records a gateway holds about a subject into a
 * verdict level (issue 7, point 3). Configuration (`recognition.rules`);
 * defaults in DEFAULT_RULES, documented in the README.
 *
 * CONTRACT STUB — the parser and defaults are filled in by the rules work.
 */
import type { CategoryName } from '../agreements/agreement.js';

/** Levels by their configuration names, in contract enum order (CreditLevel 1..5). */
export const LEVEL_NAMES = ['dishonest', 'key_attention', 'normal', 'good', 'trustworthy'] as const;
export type LevelName = (typeof LEVEL_NAMES)[number];

export const SEVERITY_NAMES = ['minor', 'general', 'serious'] as const;
export type SeverityName = (typeof SEVERITY_NAMES)[number];

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
