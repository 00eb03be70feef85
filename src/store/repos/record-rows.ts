import { createHash } from 'node:crypto';
import { CreditRecord } from '../../gen/credfed/v1/record.js';

/** Encodes a record version for storage and transport. */
export function encodeRecord(record: CreditRecord): Buffer {
  return Buffer.from(CreditRecord.encode(record).finish());
}

export function decodeRecord(payload: Uint8Array): CreditRecord {
  return CreditRecord.decode(payload);
}

/**
 * Hash of what a record says, ignoring its version and reported-at: two
 * imports of the same row hash alike, a changed row does not.
 */
export function contentHash(record: CreditRecord): Buffer {
  const { version: _v, reportedAt: _r, ...content } = record;
  return createHash('sha256').update(CreditRecord.encode({ ...content, version: 0, reportedAt: undefined }).finish()).digest();
}

/** Hash of the bytes a received record arrived as. */
export function payloadHash(payload: Uint8Array): Buffer {
  return createHash('sha256').update(payload).digest();
}

/** Proto timestamp → ISO string for a timestamptz column. */
export function timestampToIso(ts: { seconds: number; nanos: number } | undefined): string | null {
  if (!ts) return null;
  return new Date(ts.seconds * 1000 + Math.floor(ts.nanos / 1e6)).toISOString();
}

export function dateToTimestamp(d: Date): { seconds: number; nanos: number } {
  const ms = d.getTime();
  return { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 };
}
