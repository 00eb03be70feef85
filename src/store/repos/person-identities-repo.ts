/**
 * SQL of sealed resident identity numbers (table `person_identities`,
 * migration 0007). Functions take a Queryable so that callers write the
 * numbers in the same transaction as the records that named them.
 */
import type { Queryable } from './queryable.js';

/** One sealed number, keyed by its pseudonym under the key current when it was sealed. */
export interface PersonIdentityRow {
  readonly pseudonym: string;
  readonly keyId: string;
  readonly nonce: Uint8Array;
  readonly ciphertext: Uint8Array;
}

const MAX_ROWS_PER_INSERT = 1000;

/** Inserts sealed numbers; a pseudonym already held keeps its row. Returns how many rows were added. */
export async function insertPersonIdentities(db: Queryable, rows: readonly PersonIdentityRow[]): Promise<number> {
  let added = 0;
  for (let at = 0; at < rows.length; at += MAX_ROWS_PER_INSERT) {
    const chunk = rows.slice(at, at + MAX_ROWS_PER_INSERT);
    const params: unknown[] = [];
    const values = chunk.map((r) => {
      params.push(r.pseudonym, r.keyId, Buffer.from(r.ciphertext), Buffer.from(r.nonce));
      const n = params.length;
      return `($${n - 3}, $${n - 2}, $${n - 1}, $${n})`;
    });
    const { rowCount } = await db.query(
      `INSERT INTO person_identities (pseudonym, key_id, ciphertext, nonce) VALUES ${values.join(', ')} ON CONFLICT (pseudonym) DO NOTHING`,
      params,
    );
    added += rowCount ?? 0;
  }
  return added;
}

/** Up to `limit` rows after `afterPseudonym` (byte order), for a pass over every row (rekey). */
export async function listPersonIdentities(db: Queryable, afterPseudonym: string | null, limit: number): Promise<PersonIdentityRow[]> {
  const { rows } = await db.query<{ pseudonym: string; key_id: string; ciphertext: Uint8Array; nonce: Uint8Array }>(
    `SELECT pseudonym, key_id, ciphertext, nonce FROM person_identities
     WHERE $1::text IS NULL OR pseudonym COLLATE "C" > $1::text ORDER BY pseudonym COLLATE "C" LIMIT $2`,
    [afterPseudonym, limit],
  );
  return rows.map((r) => ({ pseudonym: r.pseudonym, keyId: r.key_id, ciphertext: r.ciphertext, nonce: r.nonce }));
}

/** How many sealed numbers are held. */
export async function countPersonIdentities(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ n: string }>('SELECT count(*) AS n FROM person_identities');
  return Number(rows[0]!.n);
}

/**
 * Links `pseudonym` to the subject `linkedPseudonym` is linked to (scheme 8
 * in subject_identifiers), unless it is linked already. Returns whether a
 * link was added. Used by rekey: the same number's pseudonym under another key.
 */
export async function linkPseudonym(db: Queryable, linkedPseudonym: string, pseudonym: string): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO subject_identifiers (scheme, value, subject_id, source)
     SELECT 8, $2, subject_id, 'rekey' FROM subject_identifiers WHERE scheme = 8 AND value = $1
     ON CONFLICT DO NOTHING`,
    [linkedPseudonym, pseudonym],
  );
  return (rowCount ?? 0) > 0;
}
