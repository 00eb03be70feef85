/**
 * Masking identifiers for display (issue 5, point 5; DESIGN.md §2.5): a
 * resident identity number is personal data, so what a person sees keeps
 * only its first 6 and last 4 characters unless configured otherwise.
 */

/** How much of a value stays visible. */
export interface MaskOptions {
  /** Characters kept at the start (default 6). */
  readonly keepFirst?: number;
  /** Characters kept at the end (default 4). */
  readonly keepLast?: number;
}

export const MASK_KEEP_FIRST = 6;
export const MASK_KEEP_LAST = 4;

/**
 * Replaces the middle of `value` with '*', one per character (code point),
 * keeping `keepFirst` characters at the start and `keepLast` at the end
 * (`11010519491231002X` → `110105********002X`). A value too short to hide
 * anything with those settings (length ≤ keepFirst + keepLast) is masked
 * completely, so that nothing of a fragment leaks. The value is masked as
 * given: normalize it first for a canonical display.
 */
export function maskIdentifier(value: string, options: MaskOptions = {}): string {
  const keepFirst = wholeOrDefault(options.keepFirst, MASK_KEEP_FIRST);
  const keepLast = wholeOrDefault(options.keepLast, MASK_KEEP_LAST);
  const chars = Array.from(value);
  if (chars.length <= keepFirst + keepLast) return '*'.repeat(chars.length);
  return (
    chars.slice(0, keepFirst).join('') +
    '*'.repeat(chars.length - keepFirst - keepLast) +
    chars.slice(chars.length - keepLast).join('')
  );
}

/** A non-negative whole number, or the default (a negative or fractional setting never reveals more). */
function wholeOrDefault(n: number | undefined, fallback: number): number {
  return n !== undefined && Number.isInteger(n) && n >= 0 ? n : fallback;
}
