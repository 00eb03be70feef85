/**
 * Appending to the audit log. Each gateway process writes a chain of its own,
 * so replicas never contend; `append` resolves only once its entry is
 * committed, so an answer is sent after its entry is durable. Appends that
 * arrive while a flush runs wait for the next one, which writes them all in
 * one transaction (group commit). The head row is locked in every flush, so
 * even two processes misusing one chain cannot fork it.
 */
import { randomBytes } from 'node:crypto';
import type { AuditEntry, AuditEvent } from '../core/audit/audit-event.js';
import { entryHash } from '../core/audit/entry-hash.js';
import { insertEntries, lockHead, moveHead } from '../store/repos/audit-repo.js';
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
    private readonly nodeId: string,
  ) {}

  /** Starts a new chain for this process (or continues `chain`). */
  static async open(store: Store, opts: { nodeId: string; chain?: string }): Promise<AuditLog> {
    const chain = opts.chain ?? `${opts.nodeId}/${new Date().toISOString()}/${randomBytes(4).toString('hex')}`;
    await store.transaction((tx) => lockHead(tx, chain, opts.nodeId));
    return new AuditLog(store, chain, opts.nodeId);
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
      const batch = this.queue;
      this.queue = [];
      try {
        const entries = await this.store.transaction((tx) => appendEntries(tx, this.chain, this.nodeId, batch.map((p) => p.event)));
        batch.forEach((p, i) => p.resolve(entries[i]!));
      } catch (e) {
        batch.forEach((p) => p.reject(e));
      }
    }
    this.flushing = undefined;
  }
}

/** Appends events to a chain inside `tx`: locks the head, links and hashes them, moves the head. */
export async function appendEntries(tx: Queryable, chain: string, nodeId: string, events: readonly AuditEvent[]): Promise<AuditEntry[]> {
  const head = await lockHead(tx, chain, nodeId);
  let prevHash = head.lastHash;
  let seq = head.lastSeq;
  const entries = events.map((event) => {
    seq += 1;
    const hash = entryHash(chain, seq, prevHash, event);
    const entry: AuditEntry = { ...event, chain, seq, prevHash, hash };
    prevHash = hash;
    return entry;
  });
  await insertEntries(tx, entries);
  await moveHead(tx, chain, seq, prevHash);
  return entries;
}

/** For short-lived processes (CLI commands): one entry on the node's shared CLI chain. */
export function appendOnce(store: Store, nodeId: string, event: AuditEvent): Promise<AuditEntry> {
  return store.transaction(async (tx) => (await appendEntries(tx, `cli/${nodeId}`, nodeId, [event]))[0]!);
}
