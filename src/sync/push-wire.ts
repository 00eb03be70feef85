import { BinaryReader, BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import type * as grpc from '@grpc/grpc-js';
import { FederationService, PushRecordsResponse } from '../gen/credfed/v1/federation.js';
import { CreditRecord } from '../gen/credfed/v1/record.js';

/**
 * PushRecords on the wire without re-encoding records. The messages are the
 * contract's PushRecordsRequest (batch = 1 → RecordBatch, records = 1 →
 * SequencedRecord {seq = 1, record = 2}), but the sender writes the stored
 * record bytes as they are, and the receiver keeps each record's bytes next
 * to its decoded form, to store them unchanged.
 */

/** What the sender writes: sequenced, already-encoded records. */
export interface OutgoingBatch {
  readonly rows: readonly { readonly seq: number; readonly payload: Uint8Array }[];
}

/** What the receiver reads: each record decoded, with the bytes it came as. */
export interface IncomingRecord {
  readonly seq: number;
  readonly record?: CreditRecord;
  readonly payload?: Uint8Array;
}

/** A received PushRecordsRequest: `batch` is undefined when the message held none. */
export interface IncomingPush {
  readonly batch?: readonly IncomingRecord[];
}

const LEN = WireType.LengthDelimited;
const tag = (field: number, wire: WireType) => (field << 3) | wire;

export function encodeOutgoingBatch(batch: OutgoingBatch): Buffer {
  const w = new BinaryWriter();
  w.uint32(tag(1, LEN)).fork();
  for (const row of batch.rows) {
    w.uint32(tag(1, LEN)).fork();
    w.uint32(tag(1, WireType.Varint)).int64(row.seq);
    w.uint32(tag(2, LEN)).bytes(row.payload);
    w.join();
  }
  w.join();
  return Buffer.from(w.finish());
}

export function decodeIncomingPush(bytes: Uint8Array): IncomingPush {
  let batch: IncomingRecord[] | undefined;
  forEachField(bytes, (field, reader, wire) => {
    if (field === 1 && wire === LEN) batch = decodeBatch(reader.bytes());
    else reader.skip(wire);
  });
  return { batch };
}

function decodeBatch(bytes: Uint8Array): IncomingRecord[] {
  const records: IncomingRecord[] = [];
  forEachField(bytes, (field, reader, wire) => {
    if (field === 1 && wire === LEN) records.push(decodeSequenced(reader.bytes()));
    else reader.skip(wire);
  });
  return records;
}

function decodeSequenced(bytes: Uint8Array): IncomingRecord {
  let seq = 0;
  let payload: Uint8Array | undefined;
  forEachField(bytes, (field, reader, wire) => {
    if (field === 1 && wire === WireType.Varint) seq = Number(reader.int64());
    else if (field === 2 && wire === LEN) payload = reader.bytes();
    else reader.skip(wire);
  });
  return { seq, payload, record: payload ? CreditRecord.decode(payload) : undefined };
}

function forEachField(bytes: Uint8Array, visit: (field: number, reader: BinaryReader, wire: WireType) => void): void {
  const reader = new BinaryReader(bytes);
  while (reader.pos < reader.len) {
    const t = reader.uint32();
    visit(t >>> 3, reader, (t & 7) as WireType);
  }
}

/** PushRecords with the raw-bytes codecs above; same path and messages as the contract. */
export const PushWireMethod = {
  ...FederationService.pushRecords,
  requestSerialize: (batch: OutgoingBatch) => encodeOutgoingBatch(batch),
  requestDeserialize: (bytes: Buffer) => decodeIncomingPush(bytes),
  responseSerialize: (res: PushRecordsResponse) => Buffer.from(PushRecordsResponse.encode(res).finish()),
  responseDeserialize: (bytes: Buffer) => PushRecordsResponse.decode(bytes),
};

/** The definition grpc-js needs (request types differ by side, so it is typed loosely). */
export const pushWireDefinition = PushWireMethod as unknown as grpc.MethodDefinition<unknown, unknown>;
