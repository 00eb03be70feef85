/**
 * Agreements inlined in the node's configuration file, seeded into the store
 * at start (after the partner registry): an agreement id not stored yet is
 * added as version 1, active, actor "config"; one already stored is left
 * alone (the store is the source of truth once seeded). A seeded agreement
 * naming an unknown partner, or one another active agreement governs,
 * refuses the start (CONFIG_INVALID) with every problem, writing nothing.
 */
import type { NodeConfig } from '../config/node-config.js';
import { overlaps } from '../core/agreements/governing.js';
import { CredfedError } from '../core/errors.js';
import { activateVersion, insertVersion, latestVersion, listActive, lockAgreement } from '../store/repos/agreements-repo.js';
import { listAllPartners } from '../store/repos/partners-repo.js';
import type { Store } from '../store/store.js';

export async function seedAgreementsFromConfig(store: Store, config: Pick<NodeConfig, 'agreements'>): Promise<string[]> {
  if (config.agreements.length === 0) return [];
  return store.transaction(async (tx) => {
    const known = new Set((await listAllPartners(tx)).map((p) => p.id));
    const problems: string[] = [];
    const seeded: string[] = [];
    for (const [i, { agreement, document }] of config.agreements.entries()) {
      await lockAgreement(tx, agreement.id);
      if ((await latestVersion(tx, agreement.id)) > 0) continue;
      const unknown = [...agreement.parties.partners, ...agreement.parties.exclude].filter((p) => !known.has(p));
      const clash = overlaps(agreement, (await listActive(tx)).map((a) => a.agreement));
      const found = [...unknown.map((p) => `unknown partner "${p}" (not in the registry)`), ...clash];
      if (found.length > 0) {
        problems.push(...found.map((f) => `agreements[${i}] (${agreement.id}): ${f}`));
        continue;
      }
      const version = await insertVersion(tx, agreement, document, 'config');
      await activateVersion(tx, agreement.id, version, 'config');
      seeded.push(agreement.id);
    }
    if (problems.length > 0) throw new CredfedError('CONFIG_INVALID', problems.join('; '), { problems });
    return seeded;
  });
}
