/**
 * Signed verdicts kept for reuse until shortly before their valid-until, and
 * only while the subject's records are as they were when the verdict was
 * issued (the caller passes that state with every look-up, so a change to a
 * subject's records — on any replica — is never answered from the cache).
 * Bounded: the least recently used entry goes first.
 */
import type { SignedVerdict } from '../gen/credfed/v1/verdict.js';

interface Entry {
  readonly verdict: SignedVerdict;
  /** The subject's records state the verdict was computed from. */
  readonly state: string;
  /** Served until then (valid-until less a margin, so no answer arrives expired). */
  readonly until: number;
}

export class VerdictCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly maxEntries = 10_000) {}

  get(key: string, state: string, now: number): SignedVerdict | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (entry.state !== state || now >= entry.until) return undefined;
    this.entries.set(key, entry); // most recently used last
    return entry.verdict;
  }

  put(key: string, state: string, verdict: SignedVerdict, validUntil: number, issuedAt: number): void {
    // Keep a tenth of the validity (at most 10 s) in hand for the answer's trip and the asker's filing.
    const margin = Math.min(10_000, (validUntil - issuedAt) / 10);
    this.entries.delete(key);
    this.entries.set(key, { verdict, state, until: validUntil - margin });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
  }

  get size(): number {
    return this.entries.size;
  }
}
