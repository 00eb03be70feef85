/**
 * `credfed audit prune --before T`: removes each chain's entries older than T
 * (a prefix of the chain) and leaves a checkpoint — the last removed seq and
 * hash and how many were removed — signed with the node's TLS key, so
 * `audit verify` still checks the rest from that point. One transaction per
 * chain; the chain's newest entry is always kept.
 */
import { sign } from 'node:crypto';
import { checkpointBytes } from '../core/audit/entry-hash.js';
import { latestCheckpoint, listHeads, lockHead } from '../store/repos/audit-repo.js';
import type { Store } from '../store/store.js';

export interface PruneOptions {
  readonly before: Date;
  /** The signer: the node's TLS key and certificate (PEM). */
  readonly keyPem: string;
  readonly certPem: string;
  readonly dryRun?: boolean;
}

export interface PrunedChain {
  readonly chain: string;
  readonly throughSeq: number;
  readonly pruned: number;
}

export async function pruneAudit(store: Store, opts: PruneOptions): Promise<PrunedChain[]> {
  const out: PrunedChain[] = [];
  for (const head of await listHeads(store)) {
    const done = await store.transaction(async (tx) => {
      await lockHead(tx, head.chain, head.nodeId);
      const { rows } = await tx.query<{ seq: string; hash: string; n: string }>(
        `SELECT max(seq) AS seq, (array_agg(hash ORDER BY seq DESC))[1] AS hash, count(*) AS n
           FROM audit_entries WHERE chain = $1 AND at < $2 AND seq < (SELECT max(seq) FROM audit_entries WHERE chain = $1)`,
        [head.chain, opts.before],
      );
      const r = rows[0];
      if (!r || r.seq === null) return undefined;
      const throughSeq = Number(r.seq);
      const before = await latestCheckpoint(tx, head.chain);
      const pruned = Number(r.n) + (before?.pruned ?? 0);
      if (opts.dryRun) return { chain: head.chain, throughSeq, pruned: Number(r.n) };
      const signature = sign('sha256', checkpointBytes(head.chain, throughSeq, r.hash, pruned), opts.keyPem).toString('base64');
      await tx.query(
        `INSERT INTO audit_checkpoints (chain, through_seq, through_hash, pruned, signer_cert, signature) VALUES ($1, $2, $3, $4, $5, $6)`,
        [head.chain, throughSeq, r.hash, pruned, opts.certPem, signature],
      );
      await tx.query(`DELETE FROM audit_entries WHERE chain = $1 AND seq <= $2`, [head.chain, throughSeq]);
      return { chain: head.chain, throughSeq, pruned: Number(r.n) };
    });
    if (done) out.push(done);
  }
  return out;
}
