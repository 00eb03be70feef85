/** Records about chosen subjects, stored as a partner delivered them (for identifier-graph tests). */
import { validateRecord } from '../../src/core/records/validate-record.js';
import type { CreditRecord } from '../../src/gen/credfed/v1/record.js';
import { IdentifierScheme, SubjectKind, type Subject } from '../../src/gen/credfed/v1/subject.js';
import { sampleRecord } from '../../src/sample/sample-records.js';
import { applyRecords } from '../../src/store/repos/apply-records.js';
import { openStore } from '../../src/store/store.js';
import type { TestStoreConfig } from './store-fixture.js';

export const { IDENTIFIER_SCHEME_USCC: USCC, IDENTIFIER_SCHEME_ORG_CODE: ORG, IDENTIFIER_SCHEME_REGISTRATION_NUMBER: REGNO } = IdentifierScheme;

/** A legal person named by the given identifiers. */
export function legalPerson(name: string, ...ids: [IdentifierScheme, string][]): Subject {
  return { kind: SubjectKind.SUBJECT_KIND_LEGAL_PERSON, name, identifiers: ids.map(([scheme, value]) => ({ scheme, value, masked: '' })), legalRepresentative: '' };
}

/** A sample record of `originId` (version 1) about `subject`. */
export function recordAbout(originId: string, recordId: string, subject: Subject): CreditRecord {
  return { ...sampleRecord(originId, '210100', 0), recordId, subject };
}

/**
 * Stores records as delivered by `from` (their origin), validated and
 * normalised as the receiver does, in one transaction, on a store opened and closed here.
 */
export async function storeDelivered(store: Pick<TestStoreConfig, 'dataDir' | 'databaseUrl'>, from: string, records: CreditRecord[]): Promise<void> {
  const valid = records.map((record) => {
    const checked = validateRecord(record, { requireVersion: true });
    if (checked.error) throw new Error(`${record.recordId}: ${checked.error.message}`);
    return checked.value;
  });
  const s = await openStore({ dataDir: store.dataDir, databaseUrl: store.databaseUrl });
  try {
    await s.transaction((tx) => applyRecords(tx, valid, { receivedFrom: from, assignVersions: false, outboxPartners: [] }));
  } finally {
    await s.close();
  }
}
