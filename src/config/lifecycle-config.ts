/**
 * The `lifecycle` section of a node's configuration (issue 8, point 1):
 *
 *   lifecycle:
 *     publicity:                  # maximum publicity from the decision date; a list replaces the defaults whole
 *       - { category: administrative_penalty, severity: minor, months: 3 }
 *     sweepSeconds: 60            # how often records past their publicity are marked expired (1..86400)
 *     repairMinimum:              # months from the decision date before a credit repair; a list replaces the defaults whole
 *       - { category: administrative_penalty, severity: general, months: 3 }
 */
import { DEFAULT_PUBLICITY, parsePublicityRules, type PublicityRule } from '../core/lifecycle/publicity.js';
import { DEFAULT_REPAIR_MINIMUM } from '../core/lifecycle/status-change.js';
import { DEFAULTS } from './defaults.js';
import type { SettingAccess } from './persons-config.js';

export interface LifecycleConfig {
  readonly publicity: readonly PublicityRule[];
  readonly sweepSeconds: number;
  readonly repairMinimum: readonly PublicityRule[];
}

const KEYS = ['publicity', 'sweepSeconds', 'repairMinimum'];

/** Parses `lifecycle`, adding every problem found to `problems` (paths under `lifecycle.`). */
export function parseLifecycleConfig(s: SettingAccess, problems: string[]): LifecycleConfig {
  const section = s.get('lifecycle');
  if (section !== undefined && section !== null && (typeof section !== 'object' || Array.isArray(section))) problems.push('lifecycle: expected a mapping of settings');
  else if (section) for (const k of Object.keys(section)) if (!KEYS.includes(k)) problems.push(`lifecycle.${k}: unknown setting (known: ${KEYS.join(', ')})`);

  const publicity = monthRules(s, 'publicity', DEFAULT_PUBLICITY, problems);
  const repairMinimum = monthRules(s, 'repairMinimum', DEFAULT_REPAIR_MINIMUM, problems);
  const v = s.get('lifecycle.sweepSeconds') ?? DEFAULTS.lifecycle.sweepSeconds;
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
  let sweepSeconds: number = DEFAULTS.lifecycle.sweepSeconds;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 86_400) problems.push(`lifecycle.sweepSeconds: expected a whole number from 1 to 86400, found ${JSON.stringify(v)}`);
  else sweepSeconds = n;
  return { publicity, sweepSeconds, repairMinimum };
}

/** A list of { category, severity?, months } under `lifecycle.<key>`, or the defaults when absent. */
function monthRules(s: SettingAccess, key: string, defaults: readonly PublicityRule[], problems: string[]): readonly PublicityRule[] {
  const raw = s.get(`lifecycle.${key}`);
  if (raw === undefined || raw === null) return defaults;
  const parsed = parsePublicityRules(raw);
  if (!parsed.error) return parsed.value;
  problems.push(...parsed.error.map((p) => `lifecycle.${key}${p.startsWith('[') ? '' : ': '}${p}`));
  return defaults;
}
