/**
 * A gateway's natural-person protection at run time: the federation keys
 * and the node's encryption key read from their files, and the one step
 * every ingress runs on a record before it is stored (local import, a
 * partner's push): pseudonymise clear resident identity numbers and seal
 * them for the store (or drop them, residentIdStorage: none).
 */

import type { PersonsConfig, ResidentIdStorage } from '../config/persons-config.js';
import { CredfedError } from '../core/errors.js';
import { protectPersons, type PersonsPolicy } from '../core/persons/protect-persons.js';
import { sealKeyFrom, sealNumber, type SealKey } from '../core/persons/seal.js';
import type { RecordProblem } from '../core/records/validate-record.js';
import { err, ok, type Result } from '../core/result.js';
import type { CreditRecord } from '../gen/credfed/v1/record.js';
import type { PersonIdentityRow } from '../store/repos/person-identities-repo.js';
import { readKeyFile } from './key-file.js';

export interface PersonsProtection {
  readonly policy: PersonsPolicy;
  readonly storage: ResidentIdStorage;
  /** Set when storage is encrypted and keys are configured. */
  readonly sealKey?: SealKey;
}

/** No keys: every clear number is refused (PSEUDONYM_KEY_MISSING); pseudonyms pass. */
export const NO_PERSON_KEYS: PersonsProtection = Object.freeze({ policy: { keys: [] }, storage: 'none' });

/** Reads the key files named by the configuration. Throws CONFIG_INVALID naming a file that became unreadable since the configuration was loaded. */
export function loadPersonsProtection(config: PersonsConfig): PersonsProtection {
  const read = (setting: string, file: string): Buffer => {
    const key = readKeyFile(file);
    if (key.error !== undefined) throw new CredfedError('CONFIG_INVALID', `${setting}: ${key.error}`, { problems: [`${setting}: ${key.error}`] });
    return key.value;
  };
  const keys = config.pseudonymKeys.map((k, i) => ({ id: k.id, secret: read(`persons.pseudonymKeys[${i}].file`, k.file) }));
  const sealKey =
    config.residentIdStorage === 'encrypted' && keys.length > 0 && config.encryptionKeyFile
      ? sealKeyFrom(read('persons.encryptionKeyFile', config.encryptionKeyFile))
      : undefined;
  return { policy: { keys, mask: config.mask }, storage: config.residentIdStorage, ...(sealKey ? { sealKey } : {}) };
}

/** A record ready for the store, with the sealed numbers to write in the same transaction. */
export interface ProtectedForStore {
  /** The same object as given when nothing had to change (its received bytes can be kept). */
  readonly record: CreditRecord;
  readonly identities: readonly PersonIdentityRow[];
}

/**
 * Pseudonymises the record's clear numbers and seals each under the node's
 * key, bound to its current pseudonym (nothing is kept with storage none).
 */
export function protectForStore(record: CreditRecord, protection: PersonsProtection): Result<ProtectedForStore, RecordProblem> {
  const out = protectPersons(record, protection.policy);
  if (out.error) return err(out.error);
  const { sealKey } = protection;
  if (!sealKey || out.value.identities.length === 0) return ok({ record: out.value.record, identities: [] });
  const currentKey = protection.policy.keys[0]!.id;
  const identities = out.value.identities.map((person): PersonIdentityRow => {
    const pseudonym = person.pseudonyms[0]!;
    return { pseudonym, keyId: currentKey, ...sealNumber(person.clear, pseudonym, sealKey) };
  });
  return ok({ record: out.value.record, identities });
}
