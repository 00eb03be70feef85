/**
 * The `lifecycle` section of a node's configuration (issue 8, point 1):
 *
 *   lifecycle:
 *     publicity:                  # maximum publicity from the decision date; a list replaces the defaults whole
 *       - { category: administrative_penalty, severity: minor, months: 3 }
 *     sweepSeconds: 60            # how often records past their publicity are marked expired (1..86400)
 */
import { DEFAULT_PUBLICITY, parsePublicityRules, type PublicityRule } from '../core/lifecycle/publicity.js';
import { DEFAULTS } from './defaults.js';
import type { SettingAccess } from './persons-config.js';

export interface LifecycleConfig {
  readonly publicity: readonly PublicityRule[];
  readonly sweepSeconds: number;
}

const KEYS = ['publicity', 'sweepSeconds'];

/** Parses `lifecycle`, adding every problem found to `problems` (paths under `lifecycle.`). */
export function parseLifecycleConfig(s: SettingAccess, problems: string[]): LifecycleConfig {
  const section = s.get('lifecycle');
  if (section !== undefined && section !== null && (typeof section !== 'object' || Array.isArray(section))) problems.push('lifecycle: expected a mapping of settings');
  else if (section) for (const k of Object.keys(section)) if (!KEYS.includes(k)) problems.push(`lifecycle.${k}: unknown setting (known: ${KEYS.join(', ')})`);

  let publicity: readonly PublicityRule[] = DEFAULT_PUBLICITY;
  const raw = s.get('lifecycle.publicity');
  if (raw !== undefined && raw !== null) {
    const parsed = parsePublicityRules(raw);
    if (parsed.error) problems.push(...parsed.error.map((p) => `lifecycle.publicity${p.startsWith('[') ? '' : ': '}${p}`));
    else publicity = parsed.value;
  }
  const v = s.get('lifecycle.sweepSeconds') ?? DEFAULTS.lifecycle.sweepSeconds;
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
  let sweepSeconds: number = DEFAULTS.lifecycle.sweepSeconds;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 86_400) problems.push(`lifecycle.sweepSeconds: expected a whole number from 1 to 86400, found ${JSON.stringify(v)}`);
  else sweepSeconds = n;
  return { publicity, sweepSeconds };
}
