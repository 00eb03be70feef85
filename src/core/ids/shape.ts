/**
 * The structural checks every fixed-length scheme shares: not empty, the
 * right length, every character in the alphabet of its position.
 */

import { charsetError, emptyError, lengthError, type IdError } from './errors.ts';

/** The whole character (code point) starting at a UTF-16 index, so a message never shows half a surrogate pair. */
export function characterAt(text: string, index: number): string {
  return String.fromCodePoint(text.codePointAt(index) ?? 0);
}

/**
 * Returns the first structural rule `normalized` breaks, or undefined.
 * @param alphabetAt the characters allowed at a 0-based index
 * @param schemeName the scheme in words, for the charset message
 */
export function shapeError(
  normalized: string,
  length: number,
  alphabetAt: (index: number) => string,
  schemeName: string,
): IdError | undefined {
  if (normalized.length === 0) return emptyError();
  if (normalized.length !== length) return lengthError(length, normalized.length);
  for (let i = 0; i < normalized.length; i++) {
    const char = normalized.charAt(i);
    if (!alphabetAt(i).includes(char)) return charsetError(characterAt(normalized, i), i, schemeName);
  }
  return undefined;
}
