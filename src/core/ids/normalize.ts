/**
 * Input hygiene for identifiers (DESIGN.md §2.1): people type codes with
 * full-width characters, spaces, hyphens and lower case; the check algorithms
 * all work on one canonical form.
 *
 * Only whitespace and hyphens are dropped. Control characters (C0, DEL, C1)
 * inside an identifier are kept, so the validator reports them as a charset
 * error: a tab or a line break inside a value means a broken export, not a
 * typing habit. Whitespace around the value (including tab, CR and LF, as a
 * line reader leaves them) is trimmed.
 */

const FULL_WIDTH_FIRST = 0xff01; // '！'
const FULL_WIDTH_LAST = 0xff5e; // '～'
const FULL_WIDTH_OFFSET = 0xfee0; // U+FF01 − U+0021

/**
 * Code units dropped inside an identifier: the space, the Unicode spaces
 * (NBSP, U+1680, U+2000–U+200A, U+2028, U+2029, U+202F, U+205F, U+3000),
 * the byte-order mark, zero-width characters (U+200B–U+200D, U+2060), the
 * soft hyphen, and every hyphen or dash: ASCII '-', U+2010–U+2015
 * (‐ ‑ ‒ – — ―), U+2212 minus, U+FE58 small em dash, U+FE63 small
 * hyphen-minus (U+FF0D '－' is mapped to '-' first). Not the control
 * characters tab, LF, VT, FF and CR.
 */
function isDropped(code: number): boolean {
  if (code === 0x20 || code === 0x2d) return true;
  if (code < 0xa0) return false; // fast exit for the rest of ASCII and C1
  return (
    code === 0xa0 ||
    code === 0xad ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200d) || // spaces and zero-width characters (not U+200E/U+200F, bidi marks)
    (code >= 0x2010 && code <= 0x2015) || // hyphens and dashes
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x2060 ||
    code === 0x2212 ||
    code === 0x3000 ||
    code === 0xfe58 ||
    code === 0xfe63 ||
    code === 0xfeff
  );
}

/** Already canonical: 1 to 30 upper-case ASCII letters and digits (every identifier's shape). */
function isCanonical(raw: string): boolean {
  const n = raw.length;
  if (n === 0 || n > 30) return false;
  for (let i = 0; i < n; i++) {
    const c = raw.charCodeAt(i);
    if (!((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a))) return false;
  }
  return true;
}

/**
 * Returns the canonical form of an identifier: trimmed, full-width
 * characters (U+FF01–U+FF5E, including （）) mapped to ASCII, whitespace
 * and hyphens/dashes removed, and ASCII letters upper-cased. Only ASCII
 * letters are upper-cased, so that no non-ASCII letter turns into a valid
 * code character (e.g. 'ı' → 'I'). Anything else, control characters
 * included, is kept for the validator to report as a charset error.
 * One pass, linear in the input's length.
 */
export function normalizeIdentifier(raw: string): string {
  if (isCanonical(raw)) return raw; // the common case: already canonical
  const text = raw.trim();
  let out = '';
  let kept = 0; // text[kept, i) is copied unchanged when the run ends
  for (let i = 0; i < text.length; i++) {
    let code = text.charCodeAt(i);
    if ((code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a)) continue;
    if (code >= FULL_WIDTH_FIRST && code <= FULL_WIDTH_LAST) code -= FULL_WIDTH_OFFSET;
    else if (!(code >= 0x61 && code <= 0x7a) && !isDropped(code)) continue; // kept as is
    out += text.slice(kept, i);
    kept = i + 1;
    if (code >= 0x61 && code <= 0x7a) code -= 0x20;
    if (!isDropped(code)) out += String.fromCharCode(code);
  }
  // Trimmed again: a tab or line break that stood behind a dropped hyphen is now at an end (keeps this idempotent).
  return kept === 0 ? text : (out + text.slice(kept)).trim();
}
