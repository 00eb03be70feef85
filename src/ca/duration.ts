/** Durations written on the command line: `30d`, `12h`, `2w`. */
import { err, ok, type Result } from '../core/result.js';

const HOUR_MS = 60 * 60 * 1000;
const UNIT_MS: Readonly<Record<string, number>> = { h: HOUR_MS, d: 24 * HOUR_MS, w: 7 * 24 * HOUR_MS };
/** Longest duration accepted: 100 years. */
const MAX_MS = 36_525 * 24 * HOUR_MS;
const DURATION = /^([0-9]{1,6})([hdw])$/;

/**
 * Parses `<whole number><unit>`, unit `h` (hours), `d` (days) or `w` (weeks),
 * into milliseconds. Zero, fractions, signs, spaces, other units and more than
 * 100 years are errors naming the expected form.
 */
export function parseDuration(text: string): Result<number, string> {
  const m = DURATION.exec(text);
  if (!m) return err(`duration ${JSON.stringify(text)} is not a whole number followed by h, d or w (e.g. 30d, 12h)`);
  const ms = Number(m[1]) * (UNIT_MS[m[2]!] as number);
  if (ms === 0) return err(`duration ${JSON.stringify(text)} must be positive`);
  if (ms > MAX_MS) return err(`duration ${JSON.stringify(text)} exceeds 100 years`);
  return ok(ms);
}

/** Parses a positive whole number of days (`--days`), at most 100 years. */
export function parseDays(text: string): Result<number, string> {
  if (!/^[0-9]{1,5}$/.test(text) || Number(text) === 0 || Number(text) > 36_525) {
    return err(`days ${JSON.stringify(text)} must be a whole number from 1 to 36525`);
  }
  return ok(Number(text));
}
