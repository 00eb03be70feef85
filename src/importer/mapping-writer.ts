/**
 * Applies valid mapping rows to the identifier graph in chunks: each chunk is
 * one transaction through resolveSubjects (links, merges as aliases,
 * contradicting evidence queued for review), written whole or not at all.
 * Every row is told apart as linked (the graph changed), unchanged (its codes
 * were already one subject's) or held (some of its codes stay on another
 * subject: the evidence went to review).
 */
import { orgCodeInUscc } from '../core/graph/evidence.js';
import { mappingSubject, type MappingRow } from '../core/graph/mapping-row.js';
import { IdentifierScheme } from '../gen/credfed/v1/subject.js';
import type { Queryable } from '../store/repos/queryable.js';
import { idKey } from '../store/repos/subject-groups.js';
import { lookupIdentifiers } from '../store/repos/subject-lookup.js';
import { resolveSubjects } from '../store/repos/subjects-repo.js';
import type { Store } from '../store/store.js';

/** Rows per transaction. */
export const CHUNK_ROWS = 1000;

export type MappingOutcome = 'linked' | 'unchanged' | 'held';

/** A valid row and where it is in the file. */
export interface PendingRow {
  readonly row: MappingRow;
  readonly line: number;
}

export class MappingWriter {
  linked = 0;
  unchanged = 0;
  held = 0;
  private pending: PendingRow[] = [];

  /**
   * @param file the mapping file's base name: the links' source is `mapping:<file>`, a row's evidence `<file>:<line>`
   */
  constructor(
    private readonly store: Store,
    private readonly file: string,
  ) {}

  /** Rows committed. */
  get applied(): number {
    return this.linked + this.unchanged + this.held;
  }

  /** Queues a row; commits the chunk when it is full. */
  async add(row: PendingRow): Promise<void> {
    this.pending.push(row);
    if (this.pending.length >= CHUNK_ROWS) await this.flush();
  }

  /** Commits the rows queued so far. */
  async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const rows = this.pending;
    this.pending = [];
    const outcomes = await this.store.transaction((tx) => applyMappingRows(tx, rows, this.file));
    for (const o of outcomes) this[o] += 1;
  }
}

/** Applies rows of `file` in the caller's transaction; one outcome per row. */
export async function applyMappingRows(tx: Queryable, rows: readonly PendingRow[], file: string): Promise<MappingOutcome[]> {
  const codes = rows.map((r) => codesOf(r.row));
  const all = [...new Map(codes.flat().map((id) => [idKey(id.scheme, id.value), id])).values()];
  const before = await lookupIdentifiers(tx, all);
  await resolveSubjects(
    tx,
    rows.map((r) => ({ subject: mappingSubject(r.row), source: `mapping:${file}`, ref: `${file}:${r.line}` })),
  );
  const after = await lookupIdentifiers(tx, all);
  return codes.map((ids) => {
    const owners = (links: ReadonlyMap<string, string>) => new Set(ids.map((id) => links.get(idKey(id.scheme, id.value))));
    const now = owners(after);
    if (now.size !== 1 || now.has(undefined)) return 'held';
    const then = owners(before);
    return then.size === 1 && !then.has(undefined) && [...then][0] === [...now][0] ? 'unchanged' : 'linked';
  });
}

/** Every code the row says is one subject: the USCC, the organisation code inside it, and the legacy codes. */
function codesOf(row: MappingRow): { scheme: number; value: string }[] {
  return [
    { scheme: IdentifierScheme.IDENTIFIER_SCHEME_USCC, value: row.uscc },
    { scheme: IdentifierScheme.IDENTIFIER_SCHEME_ORG_CODE, value: orgCodeInUscc(row.uscc) },
    ...row.legacy,
  ];
}
