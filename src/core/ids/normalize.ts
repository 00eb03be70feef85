/**
 * Input hygiene for identifiers (DESIGN.md §2.1): people type codes with
 * full-width characters, spaces, hyphens and lower case; the check algorithms
 * all work on one canonical form.
 */

const FULL_WIDTH_FIRST = 0xff01; // '！'
const FULL_WIDTH_LAST = 0xff5e; // '～'
const FULL_WIDTH_OFFSET = 0xfee0; // U+FF01 − U+0021
const IDEOGRAPHIC_SPACE = 0x3000;

/**
 * Whitespace (`\s` covers ASCII, NBSP, U+3000 and the other Unicode spaces),
 * zero-width characters and the soft hyphen, and every hyphen or dash:
 * ASCII '-', U+2010–U+2015 (‐ ‑ ‒ – — ―), U+2212 minus, U+FE58 small em dash,
 * U+FE63 small hyphen-minus (U+FF0D '－' is already '-' when this runs).
 */
const DROPPED = /[\s\u200b-\u200d\u2060\u00ad\-\u2010-\u2015\u2212\ufe58\ufe63]/g;

/** Already canonical: upper-case ASCII letters and digits only. */
const CANONICAL = /^[0-9A-Z]*$/;

function toHalfWidth(char: string): string {
  const code = char.codePointAt(0) ?? 0;
  if (code >= FULL_WIDTH_FIRST && code <= FULL_WIDTH_LAST) return String.fromCharCode(code - FULL_WIDTH_OFFSET);
  if (code === IDEOGRAPHIC_SPACE) return ' ';
  return char;
}

/**
 * Returns the canonical form of an identifier: trimmed, full-width
 * characters (U+FF01–U+FF5E, including （）) mapped to ASCII, the ideographic
 * space to a space, all whitespace and hyphens/dashes removed, and ASCII
 * letters upper-cased. Only ASCII letters are upper-cased, so that no
 * non-ASCII letter turns into a valid code character (e.g. 'ı' → 'I').
 * Anything else is kept, for the validator to report as a charset error.
 */
export function normalizeIdentifier(raw: string): string {
  if (CANONICAL.test(raw)) return raw; // the common case: already canonical
  return Array.from(raw.trim(), toHalfWidth)
    .join('')
    .replace(DROPPED, '')
    .replace(/[a-z]/g, (c) => c.toUpperCase());
}
