/**
 * Appending to the audit log. Each gateway process writes a chain of its own,
 * so replicas never contend; `append` resolves only once its entry is
 * committed, so an answer is sent after its entry is durable. Appends that
 * arrive while a flush runs wait for the next one, which writes them all in
 * one statement (group commit) that also moves the chain's head — only from
 * the head this process last wrote, so even two processes misusing one chain
 * cannot fork it.
 */
import { randomBytes } from 'node:crypto';
import type { AuditEntry, AuditEvent } from '../core/audit/audit-event.js';
import { entryHash } from '../core/audit/entry-hash.js';
import { appendIfHead, insertEntries, lockHead, moveHead, readHead } from '../store/repos/audit-repo.js';
import type { Queryable } from '../store/repos/queryable.js';
import type { Store } from '../store/store.js';

interface Pending {
  readonly event: AuditEvent;
  resolve(entry: AuditEntry): void;
  reject(e: unknown): void;
}

export class AuditLog {
  private queue: Pending[] = [];
  private flushing: Promise<void> | undefined;

  private constructor(
    private readonly store: Store,
    readonly chain: string,
    /** The chain's head as this process last wrote (or read) it. */
    private head: { seq: number; hash: string },
  ) {}

  /** Starts a new chain for this process (or continues `chain`). */
  static async open(store: Store, opts: { nodeId: string; chain?: string }): Promise<AuditLog> {
    const chain = opts.chain ?? `${opts.nodeId}/${new Date().toISOString()}/${randomBytes(4).toString('hex')}`;
    const head = await store.transaction((tx) => lockHead(tx, chain, opts.nodeId));
    return new AuditLog(store, chain, { seq: head.lastSeq, hash: head.lastHash });
  }

  append(event: AuditEvent): Promise<AuditEntry> {
    return new Promise((resolve, reject) => {
      this.queue.push({ event, resolve, reject });
      this.flushing ??= this.flushAll();
    });
  }

  /** Waits for every pending append. */
  async close(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  private async flushAll(): Promise<void> {
    while (this.queue.length > 0) {
      // Let the calls answered in this turn of the event loop join the batch: fewer, larger group commits.
      await new Promise<void>((resolve) => setImmediate(resolve));
      const batch = this.queue;
      this.queue = [];
      try {
        const entries = linked(this.chain, this.head.seq, this.head.hash, batch.map((p) => p.event));
        // One statement: the entries and the head move together, only from the head this process knows.
        if (!(await appendIfHead(this.store, this.chain, this.head.seq, entries))) {
          await this.reread();
          throw new Error(`audit chain ${this.chain} was moved by another writer; nothing was appended`);
        }
        const last = entries[entries.length - 1]!;
        this.head = { seq: last.seq, hash: last.hash };
        batch.forEach((p, i) => p.resolve(entries[i]!));
      } catch (e) {
        await this.reread().catch(() => undefined);
        batch.forEach((p) => p.reject(e));
      }
    }
    this.flushing = undefined;
  }

  private async reread(): Promise<void> {
    const head = await readHead(this.store, this.chain);
    if (head) this.head = { seq: head.lastSeq, hash: head.lastHash };
  }
}

/** Events as the entries that follow a head: numbered, linked and hashed. */
function linked(chain: string, afterSeq: number, afterHash: string, events: readonly AuditEvent[]): AuditEntry[] {
  let prevHash = afterHash;
  let seq = afterSeq;
  return events.map((event) => {
    seq += 1;
    const hash = entryHash(chain, seq, prevHash, event);
    const entry: AuditEntry = { ...event, chain, seq, prevHash, hash };
    prevHash = hash;
    return entry;
  });
}

/** Appends events to a chain inside `tx`: locks the head, links and hashes them, moves the head. */
export async function appendEntries(tx: Queryable, chain: string, nodeId: string, events: readonly AuditEvent[]): Promise<AuditEntry[]> {
  const head = await lockHead(tx, chain, nodeId);
  const entries = linked(chain, head.lastSeq, head.lastHash, events);
  const last = entries[entries.length - 1]!;
  await insertEntries(tx, entries);
  await moveHead(tx, chain, last.seq, last.hash);
  return entries;
}

/** For short-lived processes (CLI commands): one entry on the node's shared CLI chain. */
export function appendOnce(store: Store, nodeId: string, event: AuditEvent): Promise<AuditEntry> {
  return store.transaction(async (tx) => (await appendEntries(tx, `cli/${nodeId}`, nodeId, [event]))[0]!);
}
