/**
 * Natural persons in the benchmarks: one federation pseudonym key and one
 * encryption key (files in the run's directory), and records protected as an
 * import protects them before they are queued (DESIGN.md §2.5: no clear
 * identity number leaves a gateway).
 */
import path from 'node:path';
import type { PersonsConfig } from '../config/persons-config.js';
import type { CreditRecord } from '../gen/credfed/v1/record.js';
import { writeNewKeyFile } from '../persons/key-file.js';
import { protectForStore, type PersonsProtection } from '../persons/persons-protection.js';

/** Writes the keys; the `persons` section every benchmark node's configuration gets. */
export function benchPersons(dir: string): PersonsConfig {
  const pseudonymKey = path.join(dir, 'federation-pseudonym.key');
  const encryptionKey = path.join(dir, 'node-encryption.key');
  writeNewKeyFile(pseudonymKey);
  writeNewKeyFile(encryptionKey);
  return {
    pseudonymKeys: [{ id: 'bench', file: pseudonymKey }],
    residentIdStorage: 'encrypted',
    encryptionKeyFile: encryptionKey,
    mask: { keepFirst: 6, keepLast: 4 },
  };
}

/** The record as an import stores and queues it (clear identity numbers replaced by pseudonyms). */
export function protectedRecord(record: CreditRecord, protection: PersonsProtection): CreditRecord {
  const out = protectForStore(record, protection);
  if (out.error) throw new Error(`bench record ${record.recordId}: ${out.error.message}`);
  return out.value.record;
}
