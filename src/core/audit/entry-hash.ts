/**
 * The hash of an audit entry. Encoding (re-implementable from this comment):
 * the UTF-8 bytes of the JSON array
 *   ["credfed-audit-v1", chain, seq, prevHash, at, actor, partner,
 *    certificateFingerprint, method, purpose, subject, reference, decision,
 *    reason, agreementId, agreementVersion, recordsReturned,
 *    recordsAccepted, recordsRejected]
 * where `at` is the ISO 8601 UTC time with milliseconds
 * ("2026-11-24T03:40:00.000Z"), numbers are JSON numbers, and an absent
 * field is null; hashed with SHA-256, written as lower-case hex. The first
 * entry of a chain has prevHash ""; after pruning, the first kept entry's
 * prevHash is the checkpoint's through_hash.
 */
import { createHash } from 'node:crypto';
import { EVENT_FIELDS, type AuditEvent } from './audit-event.js';

export function entryHash(chain: string, seq: number, prevHash: string, event: AuditEvent): string {
  const fields = EVENT_FIELDS.map((f) => event[f] ?? null);
  const bytes = JSON.stringify(['credfed-audit-v1', chain, seq, prevHash, event.at.toISOString(), ...fields]);
  return createHash('sha256').update(bytes, 'utf8').digest('hex');
}

/** The bytes a pruning checkpoint's signature covers. */
export function checkpointBytes(chain: string, throughSeq: number, throughHash: string, pruned: number): Buffer {
  return Buffer.from(JSON.stringify(['credfed-audit-checkpoint-v1', chain, throughSeq, throughHash, pruned]), 'utf8');
}
