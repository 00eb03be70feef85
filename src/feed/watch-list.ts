/**
 * The subjects a subscriber watches (Subscribe's watch list): each
 * identifier checked, resolved to its subject (and the subjects merged into
 * it), with the level its records in force give it now. The feed reports a
 * change of that level when an event touches one of them.
 */
import type { RecognitionRules } from '../core/verdicts/recognition-rules.js';
import type { Clock } from '../core/clock.js';
import { CredfedError } from '../core/errors.js';
import type { MaskOptions } from '../core/ids/index.js';
import { shanghaiDate } from '../core/lifecycle/publicity.js';
import type { PseudonymKey } from '../core/persons/index.js';
import { computeVerdict } from '../core/verdicts/compute-verdict.js';
import type { LevelChange } from '../gen/credfed/v1/feed.js';
import { CreditRecord } from '../gen/credfed/v1/record.js';
import { CreditLevel, type SubjectQuery } from '../gen/credfed/v1/verdict.js';
import { findIdentifier } from '../graph/lookup-subject.js';
import { checkAsked, schemeOf } from '../recognition/asked-identifier.js';
import { recordsInForce } from '../store/repos/records-in-force-repo.js';
import type { Queryable } from '../store/repos/queryable.js';
import { dateToTimestamp } from '../store/repos/record-rows.js';
import { subjectView } from '../store/repos/subject-view-repo.js';

/** Subjects one feed may watch. */
export const MAX_WATCHED = 1000;
/** Unknown watched identifiers are looked up again at most this often (a record may name them later). */
const RESOLVE_AGAIN_MS = 1000;

export interface WatchDeps {
  readonly store: Queryable;
  readonly keys: readonly PseudonymKey[];
  readonly mask: MaskOptions;
  readonly rules: RecognitionRules;
  readonly clock: Clock;
}

interface Watched {
  readonly query: SubjectQuery;
  /** The canonical subject; undefined while no record names the identifier. */
  canonical?: string;
  /** The canonical subject and those merged into it. */
  ids: ReadonlySet<string>;
  level: CreditLevel;
}

export class WatchList {
  private resolvedAt = 0;

  private constructor(
    private readonly deps: WatchDeps,
    private readonly watched: Watched[],
  ) {}

  /** Checks and resolves the list; throws FEED_FILTER_INVALID (too many) or IDENTIFIER_INVALID naming the entry. */
  static async open(deps: WatchDeps, queries: readonly SubjectQuery[]): Promise<WatchList> {
    if (queries.length > MAX_WATCHED) throw new CredfedError('FEED_FILTER_INVALID', `watch: at most ${MAX_WATCHED} subjects, found ${queries.length}`);
    queries.forEach((q, i) => {
      try {
        checkAsked(q, deps.mask);
      } catch (e) {
        if (e instanceof CredfedError) throw new CredfedError(e.code, `watch[${i}]: ${e.message}`, e.details);
        throw e;
      }
    });
    const list = new WatchList(deps, queries.map((query) => ({ query, ids: new Set<string>(), level: CreditLevel.CREDIT_LEVEL_UNSPECIFIED })));
    await list.resolve();
    for (const w of list.watched) w.level = await list.levelOf(w);
    return list;
  }

  get size(): number {
    return this.watched.length;
  }

  /** Each watched subject's level now (previous unspecified): how a feed states its starting point. */
  baseline(at: Date): LevelChange[] {
    return this.watched.map((w) => ({ subject: w.query, previous: CreditLevel.CREDIT_LEVEL_UNSPECIFIED, level: w.level, at: dateToTimestamp(at) }));
  }

  /**
   * The level changes the events just read cause: `subjectIds` are the
   * subjects they touched; `newRecords`: some were first seen (an unknown
   * watched identifier may now name a subject).
   */
  async changes(subjectIds: ReadonlySet<string>, newRecords: boolean, at: Date): Promise<LevelChange[]> {
    if (this.watched.length === 0) return [];
    const now = this.deps.clock.now().getTime();
    if (newRecords && this.watched.some((w) => !w.canonical) && now - this.resolvedAt >= RESOLVE_AGAIN_MS) await this.resolve();
    const out: LevelChange[] = [];
    for (const w of this.watched) {
      if (![...w.ids].some((id) => subjectIds.has(id))) continue;
      const level = await this.levelOf(w);
      if (level !== w.level) out.push({ subject: w.query, previous: w.level, level, at: dateToTimestamp(at) });
      w.level = level;
    }
    return out;
  }

  /** Looks up the identifiers not yet resolved. */
  private async resolve(): Promise<void> {
    this.resolvedAt = this.deps.clock.now().getTime();
    for (const w of this.watched) {
      if (w.canonical) continue;
      const scheme = schemeOf(w.query);
      const found = await findIdentifier(this.deps.store, this.deps.keys, { value: w.query.identifier, ...(scheme ? { scheme } : {}), mask: this.deps.mask }).catch(
        (e: unknown) => {
          if (e instanceof CredfedError && (e.code === 'SUBJECT_NOT_FOUND' || e.code === 'IDENTIFIER_AMBIGUOUS')) return undefined;
          throw e;
        },
      );
      if (!found) continue;
      const view = await subjectView(this.deps.store, found.subjectId);
      w.canonical = found.subjectId;
      w.ids = new Set([found.subjectId, ...(view?.mergedSubjectIds ?? [])]);
    }
  }

  private async levelOf(w: Watched): Promise<CreditLevel> {
    const rows = w.canonical ? await recordsInForce(this.deps.store, w.canonical) : [];
    const records = rows.map((r) => CreditRecord.decode(r.payload));
    return computeVerdict(records, this.deps.rules, () => true, { today: shanghaiDate(this.deps.clock.now().getTime()) }).level;
  }
}
