/**
 * This gateway's signed verdict about one subject (issue 7, point 1): from
 * the records in force it holds (its own and those synced to it), under the
 * recognition rules; the basis lists what the asker's agreement lets it see.
 * A verdict is reused from the cache while the subject's records are
 * unchanged and its valid-until is not near; otherwise computed and signed.
 *
 * Answering from memory: when the caller checks premises (a partner's unary
 * Recognize, whose audit entry commits only if they still hold), a cached
 * verdict is answered without reading the store, resting on the premise that
 * the identifier still names the same subject in the same records state as
 * when it was last read. Only identifiers whose look-up is one stored form
 * are remembered, so the premise covers everything the answer depended on.
 */
import { randomUUID } from 'node:crypto';
import type { NodeConfig } from '../config/node-config.js';
import type { Agreement, AgreementInForce } from '../core/agreements/agreement.js';
import { visibilityOf } from '../core/agreements/evaluate.js';
import { applyFieldRules } from '../core/agreements/field-rules.js';
import type { Clock } from '../core/clock.js';
import { shanghaiDate } from '../core/lifecycle/publicity.js';
import { CredfedError } from '../core/errors.js';
import { detectSchemes, maskIdentifier, normalizeIdentifier, type IdScheme } from '../core/ids/index.js';
import type { Premise } from '../core/audit/premise.js';
import type { PseudonymKey } from '../core/persons/index.js';
import { computeVerdict } from '../core/verdicts/compute-verdict.js';
import { CreditRecord } from '../gen/credfed/v1/record.js';
import type { Identifier, Subject } from '../gen/credfed/v1/subject.js';
import type { SignedVerdict, SubjectQuery, Verdict } from '../gen/credfed/v1/verdict.js';
import { findIdentifierWith, type FoundIdentifier } from '../graph/lookup-subject.js';
import { recordsInForce, type RecordInForceRow } from '../store/repos/records-in-force-repo.js';
import { subjectView } from '../store/repos/subject-view-repo.js';
import type { Queryable } from '../store/repos/queryable.js';
import { SubjectStateReads } from './state-reads.js';
import { askedForm, checkAsked, schemeOf } from './asked-identifier.js';
import { VerdictCache } from './verdict-cache.js';

/** What signs verdicts (src/pki/verdict-signer.ts). */
export interface VerdictSigning {
  sign(verdict: Verdict): SignedVerdict;
}

/** Who asks: a partner under its agreement, or this platform's own administrator (sees every basis record). */
export interface Asker {
  readonly partnerId?: string;
  readonly agreement?: AgreementInForce;
}

export interface LocalVerdictsDeps {
  readonly config: NodeConfig;
  readonly store: Queryable;
  /** Undefined: this node has no verdict-signing certificate (recognition.signing). */
  readonly signer: VerdictSigning | undefined;
  readonly keys: readonly PseudonymKey[];
  readonly clock: Clock;
}

/** A verdict with what the audit log and the federated cache note about it. */
export interface IssuedVerdict {
  readonly signed: SignedVerdict;
  /** How the subject was named for the audit log (masked for natural persons). */
  readonly subjectNote: string;
  /** The subject's records state (the cache's validity key); '' when no subject is held. */
  readonly state: string;
  /** Set when the verdict was answered from memory: what it rests on (to be checked before it is sent). */
  readonly premise?: Premise;
}

/** An identifier, as asked, whose look-up was one stored form: what answering it from memory needs. */
interface Remembered {
  readonly found: FoundIdentifier;
  readonly asked: Identifier;
  readonly premise: Premise;
}

/** Identifiers remembered at most (the least recently used is forgotten first). */
const MAX_REMEMBERED = 10_000;

export class LocalVerdicts {
  private readonly cache = new VerdictCache();
  private readonly reads: SubjectStateReads;
  private readonly remembered = new Map<string, Remembered>();

  constructor(private readonly deps: LocalVerdictsDeps) {
    this.reads = new SubjectStateReads(deps.store);
  }

  /**
   * `fromMemory`: the caller checks the answer's premise (see above). Throws
   * IDENTIFIER_INVALID (naming the rule), IDENTIFIER_AMBIGUOUS,
   * PSEUDONYM_KEY_MISSING or VERDICT_SIGNER_MISSING.
   */
  async issue(query: SubjectQuery, purpose: number, asker: Asker, fromMemory = false): Promise<IssuedVerdict> {
    const { config, store, keys } = this.deps;
    const signer = this.deps.signer;
    if (!signer) throw new CredfedError('VERDICT_SIGNER_MISSING', `node "${config.nodeId}" has no verdict-signing certificate (recognition.signing)`);
    const mask = config.persons.mask;
    checkAsked(query, mask);
    const scheme = schemeOf(query);
    const memoryKey = `${scheme ?? ''}\u0000${query.identifier}`;
    if (fromMemory) {
      const memory = this.fromMemory(memoryKey, purpose, asker);
      if (memory) return memory;
    }
    // One coalesced read resolves the identifier and digests its subject's records (keys, versions, statuses).
    const looked: { scheme: number; value: string; hit?: { subjectId: string; state: string } }[] = [];
    const resolve = async (s: number, value: string) => {
      const hit = await this.reads.get(s, value);
      looked.push({ scheme: s, value, ...(hit ? { hit } : {}) });
      return hit?.subjectId;
    };
    const found = await findIdentifierWith(resolve, keys, { value: query.identifier, ...(scheme ? { scheme } : {}), mask }).catch((e: unknown) => {
      if (e instanceof CredfedError && e.code === 'SUBJECT_NOT_FOUND') return undefined;
      throw e;
    });
    const asked = found ? askedForm(found.scheme, found.normalized, found.masked) : unknownAsked(query.identifier, scheme, mask);
    const subjectNote = asked.masked || asked.value;
    // The cache is checked against that state; the records' bytes are read only to compute a new verdict.
    const key = cacheKey(found?.subjectId, asked, purpose, asker);
    const now = this.deps.clock.now().getTime();
    const current = found ? looked.find((l) => l.hit?.subjectId === found.subjectId)!.hit!.state : '';
    const only = looked.length === 1 ? looked[0]! : undefined;
    if (found && only?.hit) this.remember(memoryKey, { found, asked, premise: { scheme: only.scheme, value: only.value, ...only.hit } });
    const cached = this.cache.get(key, current, now);
    if (cached) return { signed: cached, subjectNote, state: current };

    // Cached under the state read above: a change committed between that read and this one leaves the
    // entry keyed by the older state, so the next call recomputes (never the reverse).
    const rows = found ? await recordsInForce(store, found.subjectId) : [];
    const body = await this.body(found?.subjectId, rows, asked, purpose, asker, now);
    const signed = signAsNode(signer, body);
    this.cache.put(key, current, signed, Date.parse(body.validUntil), now);
    return { signed, subjectNote, state: current };
  }

  /** A cached verdict for an identifier remembered as one stored form, resting on the premise it was remembered with. */
  private fromMemory(memoryKey: string, purpose: number, asker: Asker): IssuedVerdict | undefined {
    const memory = this.remembered.get(memoryKey);
    if (!memory) return undefined;
    const { found, asked, premise } = memory;
    const cached = this.cache.get(cacheKey(found.subjectId, asked, purpose, asker), premise.state, this.deps.clock.now().getTime());
    if (!cached) return undefined;
    this.remember(memoryKey, memory);
    return { signed: cached, subjectNote: asked.masked || asked.value, state: premise.state, premise };
  }

  private remember(memoryKey: string, memory: Remembered): void {
    this.remembered.delete(memoryKey);
    this.remembered.set(memoryKey, memory);
    if (this.remembered.size > MAX_REMEMBERED) this.remembered.delete(this.remembered.keys().next().value as string);
  }

  private async body(subjectId: string | undefined, rows: readonly RecordInForceRow[], asked: Identifier, purpose: number, asker: Asker, now: number): Promise<Verdict> {
    const { config, store } = this.deps;
    const records = rows.map((r) => CreditRecord.decode(r.payload));
    const agreement = asker.agreement?.agreement;
    const facts = computeVerdict(records, config.recognition.rules, visibleTo(agreement, [config.nodeId, asker.partnerId ?? '']), { today: shanghaiDate(now) });
    const subject = subjectId ? await subjectView(store, subjectId) : undefined;
    const shown = subject ? shownSubject({ kind: subject.kind, name: subject.name, identifiers: identifiersOf(subject.identifiers, records), legalRepresentative: '' }, agreement) : undefined;
    return {
      format: 1,
      issuer: config.nodeId,
      federation: config.federation,
      asked,
      identifiers: shown?.identifiers ?? [],
      subjectName: shown?.name ?? '',
      level: facts.level,
      ...(facts.grade ? { grade: facts.grade } : {}),
      noRecords: facts.noRecords,
      disputed: facts.disputed,
      basis: facts.basis,
      recordsWithheld: facts.withheld,
      issuedAt: new Date(now).toISOString(),
      validUntil: new Date(now + config.recognition.validitySeconds * 1000).toISOString(),
      purpose,
      agreementId: asker.agreement?.agreement.id ?? '',
      agreementVersion: asker.agreement?.version ?? 0,
      verdictId: randomUUID(),
    };
  }
}

/** Signs; a signer whose certificate is no longer valid (past its not-after) is this node's problem, not the caller's. */
function signAsNode(signer: VerdictSigning, body: Verdict): SignedVerdict {
  try {
    return signer.sign(body);
  } catch (e) {
    if (e instanceof CredfedError && e.code === 'VERDICT_INVALID') throw new CredfedError('VERDICT_SIGNER_INVALID', `this node cannot sign verdicts now: ${e.message}`);
    throw e;
  }
}

/** The asked identifier when no subject holds it (already checked well formed). */
function unknownAsked(value: string, scheme: IdScheme | undefined, mask: { keepFirst: number; keepLast: number }): Identifier {
  const normalized = normalizeIdentifier(value);
  const detected = scheme ?? detectSchemes(value)[0] ?? 'uscc';
  return askedForm(detected, normalized, detected === 'ric' ? maskIdentifier(normalized, mask) : '');
}

function cacheKey(subjectId: string | undefined, asked: Identifier, purpose: number, asker: Asker): string {
  const agreement = asker.agreement ? `${asker.agreement.agreement.id}:${asker.agreement.version}` : 'admin';
  return `${subjectId ?? '-'}|${asked.scheme}:${asked.value}:${asked.masked}|${purpose}|${asker.partnerId ?? ''}|${agreement}`;
}

/** Whether the asker may see a record as basis: its agreement's categories, disclosure classes and third-party rule; everything for the platform's own administrator. */
function visibleTo(agreement: Agreement | undefined, sides: readonly string[]): (r: CreditRecord) => boolean {
  if (!agreement) return () => true;
  const v = visibilityOf(agreement);
  return (r) => v.categories.includes(r.category) && v.disclosures.includes(r.disclosure) && (v.thirdParty || sides.includes(r.originId));
}

/** The subject's identifiers, a pseudonym with the masked form its records carry. */
function identifiersOf(linked: readonly { scheme: number; value: string }[], records: readonly CreditRecord[]): Identifier[] {
  const masked = new Map<string, string>();
  for (const r of records) for (const id of r.subject?.identifiers ?? []) if (id.masked) masked.set(id.value, id.masked);
  return linked.map((id) => ({ scheme: id.scheme, value: id.value, masked: masked.get(id.value) ?? '' }));
}

/** The subject as the asker may see it: the agreement's field rules on the name. */
function shownSubject(subject: Subject, agreement: Agreement | undefined): Subject {
  if (!agreement) return subject;
  return applyFieldRules(CreditRecord.fromPartial({ subject }), agreement.fields).subject ?? subject;
}
