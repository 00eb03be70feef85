/**
 * Validation errors for identifiers (DESIGN.md §2.1): every failure names the
 * rule that failed, in plain English, with the expected and found values
 * where they help. Positions are 1-based, as a person counts characters.
 */

/** The rule an identifier broke. */
export type IdRule = 'empty' | 'length' | 'charset' | 'check' | 'date';

/** Why an identifier was rejected. Callers branch on `rule`, never on `message`. */
export interface IdError {
  readonly rule: IdRule;
  readonly message: string;
  readonly expected?: string;
  readonly found?: string;
  /** 1-based position of the offending character, when one is to blame. */
  readonly position?: number;
}

/** Control, format, separator, surrogate, private-use and unassigned characters: shown by code point, never raw. */
const INVISIBLE = /^[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Z}]$/u;

/**
 * A character as a message shows it: quoted when printable ('I'), by code
 * point otherwise (U+001B), so that no message carries a terminal escape,
 * a line break or an invisible character.
 */
export function showChar(char: string): string {
  if (!INVISIBLE.test(char)) return `'${char}'`;
  return `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/** The identifier is empty after normalization. */
export function emptyError(): IdError {
  return { rule: 'empty', message: 'empty: no identifier was given' };
}

/**
 * The identifier has the wrong length.
 * @param expected a count (`18`) or a description (`'6 to 30'`)
 */
export function lengthError(expected: number | string, found: number): IdError {
  return {
    rule: 'length',
    message: `length: expected ${expected} characters, found ${found}`,
    expected: String(expected),
    found: String(found),
  };
}

/**
 * A character is outside the scheme's alphabet.
 * @param index 0-based index into the normalized identifier
 * @param schemeName the scheme in words, e.g. 'a unified social credit code'
 */
export function charsetError(char: string, index: number, schemeName: string): IdError {
  const position = index + 1;
  return {
    rule: 'charset',
    message: `character set: ${showChar(char)} at position ${position} is not allowed in ${schemeName}`,
    found: char,
    position,
  };
}

/** The check character does not match the one computed over the body. */
export function checkError(expected: string, found: string, position: number): IdError {
  return { rule: 'check', message: `check character: expected ${expected}, found ${found}`, expected, found, position };
}

/** An embedded date is not a real calendar date. */
export function dateError(found: string, why: string): IdError {
  return { rule: 'date', message: `date: ${found} ${why}`, found };
}
