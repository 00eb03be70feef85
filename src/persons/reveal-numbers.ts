/**
 * The clear resident identity numbers behind pseudonyms, opened with this
 * node's key — only for a partner whose agreement says `personIds: clear`.
 * Numbers that are not held (storage `none`, or sealed elsewhere) stay hidden.
 */
import { openNumber, type SealKey } from '../core/persons/index.js';
import type { Queryable } from '../store/repos/queryable.js';

export async function revealNumbers(q: Queryable, sealKey: SealKey | undefined, pseudonyms: readonly string[]): Promise<Map<string, string>> {
  const clear = new Map<string, string>();
  if (!sealKey || pseudonyms.length === 0) return clear;
  const { rows } = await q.query<{ pseudonym: string; nonce: Uint8Array; ciphertext: Uint8Array }>(
    `SELECT pseudonym, nonce, ciphertext FROM person_identities WHERE pseudonym = ANY($1::text[])`,
    [pseudonyms],
  );
  for (const r of rows) {
    const opened = openNumber({ nonce: r.nonce, ciphertext: r.ciphertext }, r.pseudonym, sealKey);
    if (opened.value !== undefined) clear.set(r.pseudonym, opened.value);
  }
  return clear;
}
