/** What the `credfed partner …` commands share: the node's store, the actor, output. */
import os from 'node:os';
import { loadCliConfig } from '../../cli-env.js';
import type { NodeConfig } from '../../../config/node-config.js';
import { snapshotOf, type Partner, type PartnerChange, type PartnerSnapshot } from '../../../partners/partner.js';
import { seedAgreementsFromConfig } from '../../../agreements/seed-agreements.js';
import { audited } from '../../cli-audit.js';
import { seedFromConfig } from '../../../store/repos/partners-repo.js';
import type { Store } from '../../../store/store.js';
import { openCliStore } from '../../cli-store.js';
import { UsageError, type Io } from '../../command.js';

type Values = Record<string, string | boolean | string[] | undefined>;

/** Options every partner command takes. */
export const COMMON_OPTIONS = {
  config: { type: 'string', short: 'c' },
} as const;

/** Help text of the store note, shared by every command. */
export const STORE_NOTE = `The commands open the node's store directly (the registry is in its
database). With PostgreSQL they work while the node's gateways run, and every
gateway applies the change within 2 seconds. With the embedded store, stop the
node's gateway first (its data directory is locked while it runs:
STORE_LOCKED).`;

/**
 * Opens the store of the node FILE configures, seeds the registry from the
 * file as the gateway does at start, and its agreements (so both read the same
 * before the first start), runs fn, closes the store.
 */
export async function withNodeStore<T>(values: Values, fn: (store: Store, config: NodeConfig) => Promise<T>): Promise<T> {
  if (typeof values.config !== 'string') throw new UsageError('--config FILE is required');
  const config = loadCliConfig(values.config);
  const store = await openCliStore(config);
  try {
    await seedFromConfig(store, config);
    await seedAgreementsFromConfig(store, config);
    return await audited(store, config.nodeId, actorOf(values), () => fn(store, config));
  } finally {
    await store.close();
  }
}

/** The single ID argument. */
export function onePartnerId(positionals: string[]): string {
  if (positionals.length !== 1) throw new UsageError('exactly one partner ID is required');
  return positionals[0]!;
}

/** `--actor NAME`, default `cli:<operating-system user>`. */
export function actorOf(values: Values): string {
  if (typeof values.actor === 'string') return values.actor;
  let user: string | undefined;
  try {
    user = os.userInfo().username;
  } catch {
    user = process.env.USER ?? process.env.USERNAME;
  }
  return `cli:${user || 'unknown'}`;
}

export function partnerJson(p: Partner) {
  return {
    ...snapshotOf(p),
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
  };
}

export function changeJson(c: PartnerChange) {
  return {
    revision: c.revision,
    changedAt: c.changedAt.toISOString(),
    actor: c.actor,
    action: c.action,
    reason: c.reason ?? null,
    before: c.before ?? null,
    after: c.after ?? null,
  };
}

/** `key: value` lines of one partner. */
export function formatPartner(p: Partner): string {
  const rows: [string, string][] = [
    ['id', p.id],
    ['name', p.displayName],
    ['kind', p.kind],
    ['endpoint', p.endpoint ?? '-'],
    ['status', p.status],
    ['trust anchor', p.trustAnchor ?? '- (this node\'s CA)'],
    ['revision', String(p.revision)],
    ['created', p.createdAt.toISOString()],
    ['updated', p.updatedAt.toISOString()],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  return `${rows.map(([k, v]) => `${`${k}:`.padEnd(width + 1)} ${v}`).join('\n')}\n`;
}

/** What a change did, in a few words: "kind child_county → peer_region; status active → suspended". */
export function describeChange(c: PartnerChange): string {
  if (!c.before) return c.after ? `${c.after.kind}, ${c.after.status}${c.after.endpoint ? `, ${c.after.endpoint}` : ''}` : '';
  const fields: (keyof PartnerSnapshot)[] = ['displayName', 'kind', 'endpoint', 'status', 'trustAnchor'];
  const parts = fields
    .filter((f) => c.after && c.before![f] !== c.after[f])
    .map((f) => `${f} ${show(c.before![f])} → ${show(c.after![f])}`);
  return [...parts, ...(c.reason ? [`reason: ${c.reason}`] : [])].join('; ');
}

const show = (v: unknown) => (v === null || v === undefined ? '-' : String(v));

/** Prints the outcome of a change: the partner as data (JSON) or a message on stderr. */
export function reportChange(io: Io, json: boolean, partner: Partner, changed: boolean, message: string): void {
  if (json) io.out(`${JSON.stringify({ partner: partnerJson(partner), changed }, null, 2)}\n`);
  io.err(`${message}\n`);
}
