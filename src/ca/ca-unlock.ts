/** Opening the stored CA for signing: its key decrypted with the CA passphrase. */
import { createPrivateKey } from 'node:crypto';
import { CredfedError } from '../core/errors.js';
import { loadCa, type LoadedCa } from '../pki/ca-signer.js';
import type { Queryable } from '../store/repos/queryable.js';
import { getCa, type CaRow } from '../store/repos/certificates-repo.js';

/** The CA row and the CA ready to sign. */
export interface UnlockedCa {
  readonly row: CaRow;
  readonly ca: LoadedCa;
}

/**
 * Reads the CA and decrypts its key. Throws CA_NOT_FOUND before `ca init`,
 * CA_PASSPHRASE_WRONG when the passphrase does not decrypt the key, and
 * CERT_INVALID when the CA belongs to another federation than the node.
 */
export async function unlockCa(db: Queryable, federation: string, passphrase: string): Promise<UnlockedCa> {
  const row = await getCa(db);
  if (!row) throw new CredfedError('CA_NOT_FOUND', 'initialise one with credfed ca init, or restore a backup with credfed ca restore');
  if (row.federation !== federation) {
    throw new CredfedError('CERT_INVALID', `the stored CA issues for federation ${row.federation}, the node is in ${federation}`);
  }
  try {
    createPrivateKey({ key: row.keyPem, format: 'pem', passphrase });
  } catch {
    throw new CredfedError('CA_PASSPHRASE_WRONG', 'the passphrase does not decrypt the CA key');
  }
  return { row, ca: loadCa({ certPem: row.certPem, keyPem: row.keyPem, keyPassphrase: passphrase }) };
}

/**
 * Locks the CA row for the rest of the transaction (every signing operation
 * takes this lock first, so they serialise and cannot deadlock) and checks it
 * is still the CA that was unlocked — not replaced by a restore meanwhile.
 */
export async function lockCa(tx: Queryable, unlocked: UnlockedCa): Promise<CaRow> {
  const current = await getCa(tx, { forUpdate: true });
  if (!current || current.certPem !== unlocked.row.certPem) {
    throw new CredfedError('CA_NOT_FOUND', 'the CA was replaced or removed while this command ran; run it again');
  }
  return current;
}
