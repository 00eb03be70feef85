/**
 * Whether two names of one subject differ materially (DESIGN.md §2.1: one
 * USCC under materially different names goes to review). Writing variants are
 * not material: full-width and half-width forms, spaces, punctuation and
 * brackets (（）/()), letter case. Pure: no I/O.
 */

const IMMATERIAL = /[\s\p{P}\p{S}]/gu;

/** The name with immaterial differences removed. */
export function nameKey(name: string): string {
  return name.normalize('NFKC').replace(IMMATERIAL, '').toLowerCase();
}

/** True when both names say something and say different things. */
export function materiallyDifferent(a: string, b: string): boolean {
  const ka = nameKey(a);
  const kb = nameKey(b);
  return ka !== '' && kb !== '' && ka !== kb;
}
