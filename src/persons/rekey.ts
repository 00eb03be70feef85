/**
 * Key rotation for natural persons (`credfed persons rekey`): every sealed
 * number held here is opened, its pseudonyms under every configured key are
 * computed, and each one not linked yet is linked in subject_identifiers to
 * the subject its known pseudonyms are linked to, so that records naming the
 * person under the new key land on the same subject. A number sealed under
 * another key than the current one is also sealed again under the current
 * pseudonym (the old row stays until its key is removed from the federation).
 * With `resend`, this node's own records about each person are given the
 * missing pseudonyms and queued again as their next version, so receivers
 * that never saw the clear number link the new pseudonym too.
 */

import { CredfedError } from '../core/errors.js';
import { pseudonymiseAll } from '../core/persons/pseudonym.js';
import { openNumber, sealNumber } from '../core/persons/seal.js';
import { insertPersonIdentities, linkPseudonym, listPersonIdentities } from '../store/repos/person-identities-repo.js';
import type { Store } from '../store/store.js';
import type { PersonsProtection } from './persons-protection.js';
import { resendWithPseudonyms, type ResendTarget } from './resend-records.js';

export interface RekeySummary {
  /** Sealed numbers read. */
  readonly numbers: number;
  /** Pseudonym links added to subject_identifiers. */
  readonly linked: number;
  /** Numbers sealed again under the current key's pseudonym. */
  readonly resealed: number;
  /** This node's records queued again as a new version carrying the missing pseudonyms. */
  readonly resent: number;
  /** Rows that did not open with this node's encryption key (tampered, or sealed under another key): left as they are. */
  readonly unreadable: number;
}

const PAGE_ROWS = 500;

/** Runs the rotation pass; `onProgress` after every page (one transaction each). Throws CONFIG_INVALID without keys or an encryption key. */
export async function rekeyPersons(
  store: Store,
  protection: PersonsProtection,
  opts: { resend?: ResendTarget; onProgress?: (s: RekeySummary) => void } = {},
): Promise<RekeySummary> {
  const keys = protection.policy.keys;
  const sealKey = protection.sealKey;
  if (keys.length === 0) throw new CredfedError('CONFIG_INVALID', 'persons.pseudonymKeys: no key is configured: add the new key first');
  if (!sealKey) throw new CredfedError('CONFIG_INVALID', 'persons: numbers are not stored encrypted here (residentIdStorage: none or no encryptionKeyFile): nothing to rekey');
  let summary = { numbers: 0, linked: 0, resealed: 0, resent: 0, unreadable: 0 };
  let after: string | null = null;
  // Rows this pass sealed: met again further on in pseudonym order, they are not counted twice.
  const sealedHere = new Set<string>();
  for (;;) {
    const page = await listPersonIdentities(store, after, PAGE_ROWS);
    if (page.length === 0) return summary;
    after = page.at(-1)!.pseudonym;
    summary = await store.transaction(async (tx) => {
      const s = { ...summary };
      for (const row of page) {
        if (sealedHere.has(row.pseudonym)) continue;
        s.numbers += 1;
        const clear = openNumber(row, row.pseudonym, sealKey);
        if (clear.error) {
          s.unreadable += 1;
          continue;
        }
        const pseudonyms = pseudonymiseAll(clear.value, keys);
        for (const p of pseudonyms) if (p !== row.pseudonym && (await linkPseudonym(tx, row.pseudonym, p))) s.linked += 1;
        if (row.keyId !== keys[0]!.id) {
          const current = pseudonyms[0]!;
          const added = await insertPersonIdentities(tx, [{ pseudonym: current, keyId: keys[0]!.id, ...sealNumber(clear.value, current, sealKey) }]);
          if (added > 0) sealedHere.add(current);
          s.resealed += added;
        }
        if (opts.resend && keys.length > 1) s.resent += await resendWithPseudonyms(tx, pseudonyms, opts.resend);
      }
      return s;
    });
    opts.onProgress?.(summary);
  }
}
