/**
 * Federated recognition (issue 7, point 4): the partners whose agreements
 * allow the purpose are asked in parallel, one RecognizeBatch each with a
 * deadline, and every answer is verified before it is passed on. A partner
 * that fails, times out or answers with a verdict that does not verify is
 * reported as missing; the partners covering the USCC's division code are
 * listed first, and the code never excludes one the agreement allows.
 * Partners' verdicts are cached until shortly before their valid-until, and
 * only while this gateway's own records about the subject are unchanged.
 */
import * as grpc from '@grpc/grpc-js';
import type { NodeConfig } from '../config/node-config.js';
import type { Purpose } from '../core/agreements/agreement.js';
import { decideCall, purposeName } from '../core/agreements/evaluate.js';
import type { Clock } from '../core/clock.js';
import type { Result } from '../core/result.js';
import type { AgreementSource } from '../enforcement/agreement-gate.js';
import type { FederationClient, RecognizeBatchResponse } from '../gen/credfed/v1/federation.js';
import type { MissingPlatform, SignedVerdict, SubjectQuery, Verdict } from '../gen/credfed/v1/verdict.js';
import { REASON_KEY } from '../grpc/to-grpc-error.js';
import type { Logger } from '../obs/logger.js';
import type { Partner } from '../partners/partner.js';
import type { PartnerDirectory } from '../partners/partner-directory.js';
import type { PartnerClients } from './partner-clients.js';
import { VerdictCache } from './verdict-cache.js';

/** Checks a partner's signed verdict against the CAs it must chain to (src/pki/verdict-verify.ts). */
export type VerifyVerdict = (jws: string, opts: { trust: readonly string[] }) => Result<{ verdict: Verdict }, { reason: string; message: string }>;

export interface FanOutDeps {
  readonly config: NodeConfig;
  readonly directory: PartnerDirectory;
  readonly agreements: AgreementSource;
  readonly clients: PartnerClients;
  readonly verify: VerifyVerdict;
  readonly clock: Clock;
  readonly log: Logger;
}

/** One subject of the question, with this gateway's records state about it (the cache's validity key). */
export interface AskedSubject {
  readonly query: SubjectQuery;
  readonly state: string;
}

/** What the partners said about one subject. */
export interface PartnerAnswers {
  /** The partners asked, in order (division match first). */
  readonly asked: readonly string[];
  /** Verified verdicts, in `asked` order. */
  readonly verdicts: readonly SignedVerdict[];
  readonly missing: readonly MissingPlatform[];
}

type Outcome = { verdict: SignedVerdict } | { missing: MissingPlatform };

export class FanOut {
  private readonly cache = new VerdictCache();

  constructor(private readonly deps: FanOutDeps) {}

  /** Asks every partner that may be asked about the subjects, once each, and returns the answers per subject. */
  async ask(subjects: readonly AskedSubject[], purpose: number, reference: string): Promise<PartnerAnswers[]> {
    const partners = this.partnersFor(purposeName(purpose));
    const now = this.deps.clock.now().getTime();
    // outcomes[partner][subject]
    const outcomes = await Promise.all(
      partners.map(async (partner) => {
        const row: (Outcome | undefined)[] = subjects.map((s) => {
          const cached = this.cache.get(cacheKey(partner.id, s.query, purpose), s.state, now);
          return cached ? { verdict: cached } : undefined;
        });
        const pending = row.flatMap((o, i) => (o ? [] : [i]));
        if (pending.length > 0) {
          const answered = await this.askPartner(partner, pending.map((i) => subjects[i]!.query), purpose, reference);
          pending.forEach((i, k) => {
            const outcome = answered[k]!;
            row[i] = outcome;
            if ('verdict' in outcome && outcome.verdict.verdict) {
              const v = outcome.verdict.verdict;
              this.cache.put(cacheKey(partner.id, subjects[i]!.query, purpose), subjects[i]!.state, outcome.verdict, Date.parse(v.validUntil), Date.parse(v.issuedAt));
            }
          });
        }
        return row as Outcome[];
      }),
    );
    return subjects.map((s, i) => {
      const order = orderFor(partners, s.query.identifier, (p) => this.divisionsOf(p.id));
      const asked: string[] = [];
      const verdicts: SignedVerdict[] = [];
      const missing: MissingPlatform[] = [];
      for (const p of order) {
        const outcome = outcomes[partners.indexOf(p)]![i]!;
        asked.push(p.id);
        if ('verdict' in outcome) verdicts.push(outcome.verdict);
        else missing.push(outcome.missing);
      }
      return { asked, verdicts, missing };
    });
  }

  /** Active partners with an endpoint whose agreement is in force and allows querying for the purpose. */
  partnersFor(purpose: Purpose | undefined): (Partner & { endpoint: string })[] {
    const now = this.deps.clock.now();
    return this.deps.directory
      .all()
      .filter((p): p is Partner & { endpoint: string } => p.status === 'active' && p.kind !== 'admin' && p.endpoint !== undefined)
      .filter((p) => {
        const governing = this.deps.agreements.governing({ id: p.id, kind: p.kind });
        return decideCall(governing, p.id, { direction: 'query', ...(purpose ? { purpose } : {}), purposeRequired: true }, now) === undefined;
      })
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  private divisionsOf(partnerId: string): readonly string[] {
    return this.deps.config.partners.find((p) => p.id === partnerId)?.divisions ?? [];
  }

  private async askPartner(partner: Partner & { endpoint: string }, queries: readonly SubjectQuery[], purpose: number, reference: string): Promise<Outcome[]> {
    const client = this.deps.clients.get(partner);
    const deadline = Date.now() + batchDeadlineMs(this.deps.config.recognition.partnerDeadlineMs, queries.length);
    let response: RecognizeBatchResponse;
    try {
      response = await recognizeBatch(client, { subjects: [...queries], purpose, reference }, deadline);
    } catch (e) {
      const missing = missingOf(partner.id, e as grpc.ServiceError);
      this.deps.log.warn({ partner: partner.id, reason: missing.reason }, 'partner did not answer a federated recognition');
      return queries.map(() => ({ missing }));
    }
    const trust = this.deps.clients.trustFor(partner);
    return queries.map((_, i) => {
      const result = response.results.find((r) => r.index === i);
      if (!result?.outcome) return { missing: { partner: partner.id, reason: 'VERDICT_INVALID', message: `no result for subject ${i}` } };
      if (result.outcome.$case === 'error') return { missing: { partner: partner.id, reason: result.outcome.value.reason, message: result.outcome.value.message } };
      const checked = this.deps.verify(result.outcome.value.jws, { trust });
      if (checked.error) return { missing: { partner: partner.id, reason: 'VERDICT_INVALID', message: `${checked.error.reason}: ${checked.error.message}` } };
      if (checked.value.verdict.issuer !== partner.id) {
        return { missing: { partner: partner.id, reason: 'VERDICT_INVALID', message: `the verdict was issued by "${checked.value.verdict.issuer}", not by "${partner.id}"` } };
      }
      return { verdict: { jws: result.outcome.value.jws, verdict: checked.value.verdict } };
    });
  }
}

/** Time a partner gets for each subject of a batch beyond the first, on top of the deadline (computing and signing a verdict takes a few ms). */
export const PER_SUBJECT_MS = 10;

/** A partner's deadline for a batch: partnerDeadlineMs for one subject, PER_SUBJECT_MS more for each further one (10.79 s for 1,000 at the default). */
export function batchDeadlineMs(partnerDeadlineMs: number, subjects: number): number {
  return partnerDeadlineMs + Math.max(0, subjects - 1) * PER_SUBJECT_MS;
}

function recognizeBatch(client: FederationClient, req: Parameters<FederationClient['recognizeBatch']>[0], deadline: number): Promise<RecognizeBatchResponse> {
  return new Promise((resolve, reject) => client.recognizeBatch(req, new grpc.Metadata(), { deadline }, (e, res) => (e ? reject(e) : resolve(res!))));
}

function missingOf(partner: string, e: grpc.ServiceError): MissingPlatform {
  const reason = e.metadata?.get(REASON_KEY)[0]?.toString();
  if (reason) return { partner, reason, message: e.details };
  if (e.code === grpc.status.DEADLINE_EXCEEDED) return { partner, reason: 'DEADLINE_EXCEEDED', message: 'no answer within the deadline' };
  return { partner, reason: 'PARTNER_UNAVAILABLE', message: e.details || e.message };
}

function cacheKey(partner: string, q: SubjectQuery, purpose: number): string {
  return `${partner}|${q.scheme}|${q.identifier.trim().toUpperCase()}|${purpose}`;
}

/**
 * The partners in the order they are listed for a subject: those whose
 * divisions cover the USCC's division code (positions 3–8), longest match
 * first, then the others; identifiers other than a USCC keep the id order.
 */
export function orderFor<P extends { id: string }>(partners: readonly P[], identifier: string, divisionsOf: (p: P) => readonly string[] = () => []): P[] {
  const compact = identifier.replace(/[\s-]/g, '').toUpperCase();
  const division = /^[0-9A-Z]{18}$/.test(compact) ? compact.slice(2, 8) : '';
  const score = (p: P) => Math.max(0, ...divisionsOf(p).filter((d) => division !== '' && division.startsWith(d)).map((d) => d.length));
  return [...partners].sort((a, b) => score(b) - score(a));
}
