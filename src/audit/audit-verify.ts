/**
 * `credfed audit verify`: recomputes every chain and names, per chain, the
 * first entry that breaks it — modified (its hash does not match its
 * content), deleted (a gap, or fewer entries than the head says), inserted
 * or reordered (an entry that does not link to the one before it, or more
 * entries than the head says) — and checks the signature of a pruning
 * checkpoint. Reads a page of entries at a time.
 */
import { createPublicKey, verify as verifySignature, X509Certificate } from 'node:crypto';
import type { AuditEntry } from '../core/audit/audit-event.js';
import { checkpointBytes, entryHash } from '../core/audit/entry-hash.js';
import { chainEntries, chainsWithEntries, latestCheckpoint, listHeads, type CheckpointRow } from '../store/repos/audit-repo.js';
import type { Queryable } from '../store/repos/queryable.js';

export type ProblemKind = 'modified' | 'deleted' | 'inserted' | 'reordered' | 'checkpoint' | 'head';

export interface ChainProblem {
  readonly chain: string;
  /** The first bad entry (or where one is missing). */
  readonly seq: number;
  readonly kind: ProblemKind;
  readonly detail: string;
}

export interface VerifyReport {
  readonly chains: number;
  readonly entries: number;
  readonly problems: readonly ChainProblem[];
}

const PAGE = 5000;

export async function verifyAudit(q: Queryable, opts: { chain?: string } = {}): Promise<VerifyReport> {
  const heads = await listHeads(q, opts.chain);
  const problems: ChainProblem[] = [];
  let entries = 0;
  const headless = (await chainsWithEntries(q)).filter((c) => (opts.chain === undefined || c === opts.chain) && !heads.some((h) => h.chain === c));
  for (const chain of headless) problems.push({ chain, seq: 1, kind: 'head', detail: 'entries of a chain that is not registered (inserted, or its head was deleted)' });
  for (const head of heads) {
    const result = await verifyChain(q, head.chain, head.lastSeq, head.lastHash);
    entries += result.entries;
    if (result.problem) problems.push(result.problem);
  }
  return { chains: heads.length + headless.length, entries, problems };
}

async function verifyChain(q: Queryable, chain: string, lastSeq: number, lastHash: string): Promise<{ entries: number; problem?: ChainProblem }> {
  const checkpoint = await latestCheckpoint(q, chain);
  if (checkpoint) {
    const bad = checkpointProblem(checkpoint);
    if (bad) return { entries: 0, problem: { chain, seq: checkpoint.throughSeq, kind: 'checkpoint', detail: bad } };
  }
  let expectedSeq = (checkpoint?.throughSeq ?? 0) + 1;
  let prevHash = checkpoint?.throughHash ?? '';
  let count = 0;
  for (;;) {
    // Entries after the last good one: a gap shows as a first seq above the expected one.
    const page = await chainEntries(q, chain, expectedSeq - 1, PAGE);
    for (const e of page) {
      const problem = entryProblem(e, expectedSeq, prevHash, lastSeq);
      if (problem) return { entries: count, problem: { chain, ...problem } };
      prevHash = e.hash;
      expectedSeq += 1;
      count += 1;
    }
    if (page.length < PAGE) break;
  }
  if (expectedSeq - 1 < lastSeq) return { entries: count, problem: { chain, seq: expectedSeq, kind: 'deleted', detail: `the chain ends at ${expectedSeq - 1} but its head says ${lastSeq}` } };
  if (prevHash !== lastHash) return { entries: count, problem: { chain, seq: lastSeq, kind: 'modified', detail: 'the last entry is not the one the head recorded' } };
  return { entries: count };
}

function entryProblem(e: AuditEntry, expectedSeq: number, prevHash: string, lastSeq: number): Omit<ChainProblem, 'chain'> | undefined {
  if (e.seq > lastSeq) return { seq: e.seq, kind: 'inserted', detail: `entry ${e.seq} lies beyond the head (${lastSeq})` };
  if (e.seq !== expectedSeq) return { seq: expectedSeq, kind: 'deleted', detail: `entry ${expectedSeq} is missing (next is ${e.seq})` };
  if (e.hash !== entryHash(e.chain, e.seq, e.prevHash, e)) {
    // Content that hashes right elsewhere in the chain was moved here: reordered; otherwise changed.
    return { seq: e.seq, kind: e.prevHash !== prevHash ? 'reordered' : 'modified', detail: `entry ${e.seq} does not match its hash` };
  }
  if (e.prevHash !== prevHash) return { seq: e.seq, kind: 'inserted', detail: `entry ${e.seq} does not link to entry ${e.seq - 1}` };
  return undefined;
}

function checkpointProblem(c: CheckpointRow): string | undefined {
  try {
    const key = createPublicKey(new X509Certificate(c.signerCert).publicKey.export({ type: 'spki', format: 'pem' }));
    const ok = verifySignature('sha256', checkpointBytes(c.chain, c.throughSeq, c.throughHash, c.pruned), key, Buffer.from(c.signature, 'base64'));
    return ok ? undefined : `the checkpoint through ${c.throughSeq} does not match its signature`;
  } catch (e) {
    return `the checkpoint through ${c.throughSeq} cannot be checked: ${(e as Error).message}`;
  }
}
