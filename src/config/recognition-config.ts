/**
 * The `recognition` section of a node's configuration (issue 7):
 *
 *   recognition:
 *     signing: { cert: certs/city-verdict.crt, key: certs/city-verdict.key }   # optional
 *     validitySeconds: 300        # 1..300
 *     partnerDeadlineMs: 800      # 50..10000
 *     rules: { levels: [...], otherwise: normal, disputed: count }            # default DEFAULT_RULES
 *
 * The certificate and key are read by the gateway when it starts, not here.
 */
import { DEFAULT_RULES, parseRecognitionRules, type RecognitionRules } from '../core/verdicts/recognition-rules.js';
import { DEFAULTS } from './defaults.js';
import type { SettingAccess } from './persons-config.js';

export interface RecognitionConfig {
  /** The verdict-signing certificate and key (`credfed cert issue --profile verdict`); unset: this node issues no verdicts (Recognize is FAILED_PRECONDITION / VERDICT_SIGNER_MISSING). */
  readonly signing?: { readonly cert: string; readonly key: string };
  /** How long an issued verdict may be relied on (default 300, at most 300). */
  readonly validitySeconds: number;
  /** How long a federated recognition waits for each partner (default 800 ms). */
  readonly partnerDeadlineMs: number;
  readonly rules: RecognitionRules;
}

const KEYS = ['signing', 'validitySeconds', 'partnerDeadlineMs', 'rules'];

/** Parses `recognition`, adding every problem found to `problems` (paths under `recognition.`). */
export function parseRecognitionConfig(s: SettingAccess, problems: string[]): RecognitionConfig {
  const section = s.get('recognition');
  if (section !== undefined && section !== null && !isMap(section)) problems.push('recognition: expected a mapping of settings');
  else if (isMap(section)) {
    for (const k of Object.keys(section)) if (!KEYS.includes(k)) problems.push(`recognition.${k}: unknown setting (known: ${KEYS.join(', ')})`);
  }
  const int = (name: 'validitySeconds' | 'partnerDeadlineMs', min: number, max: number): number => {
    const fallback = DEFAULTS.recognition[name];
    const v = s.get(`recognition.${name}`) ?? fallback;
    const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
      problems.push(`recognition.${name}: expected a whole number from ${min} to ${max}, found ${JSON.stringify(v)}`);
      return fallback;
    }
    return n;
  };
  const validitySeconds = int('validitySeconds', 1, DEFAULTS.recognition.maxValiditySeconds);
  const partnerDeadlineMs = int('partnerDeadlineMs', 50, 10_000);

  let rules = DEFAULT_RULES;
  const rawRules = s.get('recognition.rules');
  if (rawRules !== undefined && rawRules !== null) {
    const parsed = isMap(rawRules) ? parseRecognitionRules(rawRules) : undefined;
    if (!parsed) problems.push('recognition.rules: expected a mapping with levels, otherwise and disputed');
    else if (parsed.error) problems.push(...parsed.error.map((p) => `recognition.rules.${p}`));
    else rules = parsed.value;
  }
  const signing = parseSigning(s, problems);
  return { ...(signing ? { signing } : {}), validitySeconds, partnerDeadlineMs, rules };
}

function parseSigning(s: SettingAccess, problems: string[]): RecognitionConfig['signing'] {
  const raw = s.get('recognition.signing');
  const cert = s.get('recognition.signing.cert');
  const key = s.get('recognition.signing.key');
  if (raw !== undefined && raw !== null && !isMap(raw)) return void problems.push('recognition.signing: expected { cert, key }');
  if (isMap(raw)) for (const k of Object.keys(raw)) if (k !== 'cert' && k !== 'key') problems.push(`recognition.signing.${k}: unknown setting (known: cert, key)`);
  const given = (v: unknown) => v !== undefined && v !== null && v !== '';
  if (!given(cert) && !given(key)) return undefined;
  let ok = true;
  for (const [name, v] of [['cert', cert], ['key', key]] as const) {
    if (!given(v)) problems.push(`recognition.signing.${name}: required when recognition.signing.${name === 'cert' ? 'key' : 'cert'} is set`);
    else if (typeof v !== 'string') problems.push(`recognition.signing.${name}: expected a file name, found ${JSON.stringify(v)}`);
    else continue;
    ok = false;
  }
  return ok ? { cert: s.resolvePath('recognition.signing.cert', cert as string), key: s.resolvePath('recognition.signing.key', key as string) } : undefined;
}

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
