/**
 * Appending to the audit log. Each gateway process writes a chain of its own,
 * so replicas never contend; `append` resolves only once its entry is
 * committed, so an answer is sent after its entry is durable. Appends are
 * written in group commits: one statement writes a batch and moves the
 * chain's head, only from the head (seq and hash) the batch was linked to, so even two
 * processes misusing one chain cannot fork it.
 *
 * A group commit is issued at the end of the event loop's turn, or as soon
 * as it holds GROUP_SIZE entries: a burst of calls answered in one turn is
 * committed in parts, and the database writes the first part while this
 * process works on the rest (instead of idling through one commit of them
 * all). Only one group commit is in flight at a time; what arrives meanwhile
 * goes in the next one. Commits on different connections can reach the
 * database out of order, and the later one would then be refused: with four
 * in flight and parts of 8, bench:recognize saw one entry in fourteen linked
 * again.
 *
 * Each commit links to the head the one before it leaves. A batch refused
 * because the head was not where it was linked (another writer misusing the
 * chain) is linked again from the head as stored and retried.
 *
 * An entry may come with premises (src/core/audit/premise.ts): its batch is
 * then written only if every premise in it still holds, checked in the same
 * statement. When one does not, nothing is written: the appends whose premise
 * failed are refused with PremiseFailed, the others linked again and retried.
 */
import { randomBytes } from 'node:crypto';
import type { AuditEntry, AuditEvent } from '../core/audit/audit-event.js';
import { entryHash } from '../core/audit/entry-hash.js';
import { PremiseFailed, type Premise } from '../core/audit/premise.js';
import { appendIfHead, appendIfHeadAndPremises, insertEntries, lockHead, moveHead, readHead } from '../store/repos/audit-repo.js';
import type { Queryable } from '../store/repos/queryable.js';
import type { Store } from '../store/store.js';

/** Group commits in flight at once (see above). */
const MAX_IN_FLIGHT = 1;
/** Entries that make a group commit go out at once, before the turn ends. */
const GROUP_SIZE = 8;
/** Times an entry is linked again after its commit was refused for a moved head. */
const MAX_RELINKS = 5;

interface Pending {
  readonly event: AuditEvent;
  readonly premises: readonly Premise[];
  relinks: number;
  resolve(entry: AuditEntry): void;
  reject(e: unknown): void;
}

interface Head {
  readonly seq: number;
  readonly hash: string;
}

/**
 * How a group commit ended: written, refused because the head was not where
 * it was linked, refused because premises no longer hold (the pending appends
 * they came with, by index in the batch), or failed.
 */
type Outcome = { kind: 'written' } | { kind: 'moved' } | { kind: 'unheld'; pending: ReadonlyMap<number, Premise> } | { kind: 'failed'; error: unknown };

export class AuditLog {
  private queue: Pending[] = [];
  private scheduled = false;
  private inFlight = 0;
  /** Settles the group commits one after another, in the order they were issued. */
  private settled: Promise<void> = Promise.resolve();
  /**
   * The head the last issued group commit leaves: what the next batch links
   * to. Undefined from a failure until every commit in flight has settled and
   * the head is read again.
   */
  private tail: Head | undefined;
  /** Set when a commit was not written: the head is read again once nothing is in flight. */
  private failed = false;

  private constructor(
    private readonly store: Store,
    readonly chain: string,
    /** The chain's head as this process last wrote (or read) it. */
    private head: Head,
  ) {
    this.tail = head;
  }

  /** Starts a new chain for this process (or continues `chain`). */
  static async open(store: Store, opts: { nodeId: string; chain?: string }): Promise<AuditLog> {
    const chain = opts.chain ?? `${opts.nodeId}/${new Date().toISOString()}/${randomBytes(4).toString('hex')}`;
    const head = await store.transaction((tx) => lockHead(tx, chain, opts.nodeId));
    return new AuditLog(store, chain, { seq: head.lastSeq, hash: head.lastHash });
  }

  /** Resolves once the entry is committed; with `premises`, only if they still hold (else rejects with PremiseFailed). */
  append(event: AuditEvent, premises: readonly Premise[] = []): Promise<AuditEntry> {
    return new Promise((resolve, reject) => {
      this.queue.push({ event, premises, relinks: 0, resolve, reject });
      if (this.queue.length >= GROUP_SIZE) this.issue();
      this.schedule();
    });
  }

  /** Waits for every pending append. */
  async close(): Promise<void> {
    while (this.queue.length > 0 || this.inFlight > 0 || this.scheduled) {
      await this.settled;
      await nextTurn();
    }
  }

  /** Issues a group commit in the next turn of the event loop, so the calls answered in this turn join it. */
  private schedule(): void {
    if (this.scheduled || this.queue.length === 0 || this.inFlight >= MAX_IN_FLIGHT || !this.tail) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.issue();
    });
  }

  private issue(): void {
    const from = this.tail;
    if (this.queue.length === 0 || this.inFlight >= MAX_IN_FLIGHT || !from) return;
    const batch = this.queue;
    this.queue = [];
    const entries = linked(this.chain, from.seq, from.hash, batch.map((p) => p.event));
    const last = entries[entries.length - 1]!;
    this.tail = { seq: last.seq, hash: last.hash };
    this.inFlight++;
    const outcome: Promise<Outcome> = this.commit(batch, entries).catch((error: unknown) => ({ kind: 'failed', error }));
    this.settled = this.settled.then(async () => this.settle(batch, entries, await outcome));
    this.schedule();
  }

  /** One statement: the entries, checked against the batch's premises when it has any. */
  private async commit(batch: readonly Pending[], entries: readonly AuditEntry[]): Promise<Outcome> {
    const premises: Premise[] = [];
    const owner: number[] = []; // premise index → pending index
    batch.forEach((p, i) => {
      for (const premise of p.premises) premises.push(premise), owner.push(i);
    });
    if (premises.length === 0) return (await appendIfHead(this.store, this.chain, entries)) ? { kind: 'written' } : { kind: 'moved' };
    const { written, failed } = await appendIfHeadAndPremises(this.store, this.chain, entries, premises);
    if (written) return { kind: 'written' };
    return failed.length > 0 ? { kind: 'unheld', pending: new Map(failed.map((k) => [owner[k]!, premises[k]!])) } : { kind: 'moved' };
  }

  private async settle(batch: Pending[], entries: AuditEntry[], outcome: Outcome): Promise<void> {
    this.inFlight--;
    if (outcome.kind === 'written') {
      const last = entries[entries.length - 1]!;
      this.head = { seq: last.seq, hash: last.hash };
      batch.forEach((p, i) => p.resolve(entries[i]!));
    } else {
      this.failed = true;
      this.tail = undefined;
      const moved = new Error(`audit chain ${this.chain} was moved by another writer; nothing was appended`);
      const again: Pending[] = [];
      batch.forEach((p, i) => {
        if (outcome.kind === 'failed') p.reject(outcome.error);
        else if (outcome.kind === 'unheld' && outcome.pending.has(i)) p.reject(new PremiseFailed(outcome.pending.get(i)!));
        else if (outcome.kind === 'unheld' || p.relinks++ < MAX_RELINKS) again.push(p); // linked again (an unheld batch's others are not counted)
        else p.reject(moved);
      });
      this.queue = [...again, ...this.queue];
    }
    if (this.failed && this.inFlight === 0) await this.recover();
    this.schedule();
  }

  /** After a failure, once nothing is in flight: continue from the head as stored. */
  private async recover(): Promise<void> {
    try {
      const stored = await readHead(this.store, this.chain);
      if (stored) this.head = { seq: stored.lastSeq, hash: stored.lastHash };
    } catch {
      // keep the last head written; a commit from a stale head is refused and recovers again
    }
    this.tail = this.head;
    this.failed = false;
  }
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

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
