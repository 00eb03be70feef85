/** Generators of the typing errors check characters are meant to catch. */

/** A single-character substitution of `code`. */
export interface Substitution {
  readonly mutated: string;
  readonly index: number;
  readonly from: string;
  readonly to: string;
}

/** Every string that differs from `code` in exactly one character drawn from `alphabet`. */
export function substitutions(code: string, alphabet: string): Substitution[] {
  const out: Substitution[] = [];
  for (let index = 0; index < code.length; index++) {
    const from = code.charAt(index);
    for (const to of alphabet) {
      if (to !== from) out.push({ mutated: code.slice(0, index) + to + code.slice(index + 1), index, from, to });
    }
  }
  return out;
}

/** Every string obtained by swapping two adjacent, distinct characters of `code`. */
export function adjacentTranspositions(code: string): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < code.length; i++) {
    const a = code.charAt(i);
    const b = code.charAt(i + 1);
    if (a !== b) out.push(code.slice(0, i) + b + a + code.slice(i + 2));
  }
  return out;
}
