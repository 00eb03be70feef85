import type { RecordProblem } from '../core/records/validate-record.js';
import type { CreditRecord } from '../gen/credfed/v1/record.js';
import { NO_PERSON_KEYS, protectForStore, type PersonsProtection } from '../persons/persons-protection.js';
import { applyRecords } from '../store/repos/apply-records.js';
import { insertPersonIdentities, type PersonIdentityRow } from '../store/repos/person-identities-repo.js';
import type { Store } from '../store/store.js';

/** Records per transaction. */
export const CHUNK_RECORDS = 1000;

/**
 * Stores imported records of this node in chunks: each chunk is one
 * transaction through applyRecords (versions assigned: an unchanged record
 * changes nothing, a changed one becomes the next version; accepted versions
 * queued for the push partners). A chunk is written whole or not at all.
 * Natural persons' clear identity numbers are replaced by their pseudonyms
 * before anything is queued, and sealed in the same transaction (`persons`).
 */
export class ChunkWriter {
  accepted = 0;
  unchanged = 0;
  private pending: CreditRecord[] = [];
  private identities: PersonIdentityRow[] = [];

  constructor(
    private readonly store: Store,
    private readonly outboxPartners: readonly string[],
    private readonly persons: PersonsProtection = NO_PERSON_KEYS,
  ) {}

  /**
   * Queues a record; commits the chunk when it is full. Returns the problem
   * when the record cannot be stored as it is (a clear identity number
   * without a configured pseudonym key: PSEUDONYM_KEY_MISSING); it is not queued then.
   */
  async add(record: CreditRecord): Promise<RecordProblem | undefined> {
    const protectedRecord = protectForStore(record, this.persons);
    if (protectedRecord.error) return protectedRecord.error;
    this.pending.push(protectedRecord.value.record);
    this.identities.push(...protectedRecord.value.identities);
    if (this.pending.length >= CHUNK_RECORDS) await this.flush();
    return undefined;
  }

  /** Commits the records queued so far. */
  async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const records = this.pending;
    const identities = this.identities;
    this.pending = [];
    this.identities = [];
    const outcomes = await this.store.transaction(async (tx) => {
      await insertPersonIdentities(tx, identities);
      return applyRecords(tx, records, { receivedFrom: 'local', assignVersions: true, outboxPartners: this.outboxPartners });
    });
    for (const o of outcomes) {
      if (o === 'accepted') this.accepted += 1;
      else this.unchanged += 1;
    }
  }
}
