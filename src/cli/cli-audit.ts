/**
 * Admin actions taken through the CLI are audited too: every command that
 * opens the node's store appends one entry — actor cli:<user>, method
 * "cli/<command>", allowed or refused with its error code — to the node's
 * shared CLI chain, after its work and before the store closes.
 */
import { appendOnce } from '../audit/audit-log.js';
import { CredfedError } from '../core/errors.js';
import type { Store } from '../store/store.js';

let command: string | undefined;

/** main() names the command being run. */
export function setCliCommand(name: string): void {
  command = name;
}

type Enter = (decision: 'allow' | 'deny', reason?: string) => Promise<void>;

/** Runs `work` and enters it with `enter` (refusals too, then rethrown). */
async function enteredAs<T>(enter: Enter, work: () => Promise<T>): Promise<T> {
  let result: T;
  try {
    result = await work();
  } catch (e) {
    await enter('deny', e instanceof CredfedError ? e.code : 'INTERNAL').catch(() => undefined);
    throw e;
  }
  await enter('allow');
  return result;
}

function entry(actor: string, decision: 'allow' | 'deny', reason: string | undefined, reference: string | undefined) {
  return { at: new Date(), actor, method: `cli/${command}`, decision, ...(reason ? { reason } : {}), ...(reference ? { reference } : {}) };
}

/** Runs `work` on the open store and enters it in the audit log (refusals too, then rethrown). */
export async function audited<T>(store: Store, nodeId: string, actor: string, work: () => Promise<T>): Promise<T> {
  return enteredAs(async (decision, reason) => {
    if (command !== undefined) await appendOnce(store, nodeId, entry(actor, decision, reason, undefined));
  }, work);
}

/**
 * For commands that take the store whole instead of keeping it open (store
 * backup and restore): runs `work`, then opens the store only to enter the
 * outcome, with `reference` (e.g. the backup file) — a restore's in the store
 * it restored, after the entries the backup brought back. A refusal is
 * entered when `open` gives a store for it (it must not create one) and the
 * store can be opened (a store another process holds cannot).
 */
export async function auditedAfter<T>(
  open: (decision: 'allow' | 'deny') => Promise<Store | undefined>,
  nodeId: string,
  actor: string,
  reference: string,
  work: () => Promise<T>,
): Promise<T> {
  return enteredAs(async (decision, reason) => {
    if (command === undefined) return;
    const store = await open(decision);
    if (!store) return;
    try {
      await appendOnce(store, nodeId, entry(actor, decision, reason, reference));
    } finally {
      await store.close();
    }
  }, work);
}
