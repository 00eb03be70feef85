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

/** Runs `work` on the open store and enters it in the audit log (refusals too, then rethrown). */
export async function audited<T>(store: Store, nodeId: string, actor: string, work: () => Promise<T>): Promise<T> {
  const enter = (decision: 'allow' | 'deny', reason?: string) =>
    command === undefined ? Promise.resolve() : appendOnce(store, nodeId, { at: new Date(), actor, method: `cli/${command}`, decision, ...(reason ? { reason } : {}) }).then(() => undefined);
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
