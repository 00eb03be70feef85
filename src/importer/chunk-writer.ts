import type { CreditRecord } from '../gen/credfed/v1/record.js';
import { applyRecords } from '../store/repos/apply-records.js';
import type { Store } from '../store/store.js';

/** Records per transaction. */
export const CHUNK_RECORDS = 1000;

/**
 * Stores imported records of this node in chunks: each chunk is one
 * transaction through applyRecords (versions assigned: an unchanged record
 * changes nothing, a changed one becomes the next version; accepted versions
 * queued for the push partners). A chunk is written whole or not at all.
 */
export class ChunkWriter {
  accepted = 0;
  unchanged = 0;
  private pending: CreditRecord[] = [];

  constructor(
    private readonly store: Store,
    private readonly outboxPartners: readonly string[],
  ) {}

  /** Queues a record; commits the chunk when it is full. */
  async add(record: CreditRecord): Promise<void> {
    this.pending.push(record);
    if (this.pending.length >= CHUNK_RECORDS) await this.flush();
  }

  /** Commits the records queued so far. */
  async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const records = this.pending;
    this.pending = [];
    const outcomes = await this.store.transaction((tx) =>
      applyRecords(tx, records, { receivedFrom: 'local', assignVersions: true, outboxPartners: this.outboxPartners }),
    );
    for (const o of outcomes) {
      if (o === 'accepted') this.accepted += 1;
      else this.unchanged += 1;
    }
  }
}
