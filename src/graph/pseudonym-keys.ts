/** The federation pseudonym keys a node's configuration names, read from their files (for look-ups by identity number). */
import type { NodeConfig } from '../config/node-config.js';
import { CredfedError } from '../core/errors.js';
import type { PseudonymKey } from '../core/persons/index.js';
import { readKeyFile } from '../persons/key-file.js';

/** Reads every configured key, the current first; CONFIG_INVALID naming a file that cannot be used. */
export function pseudonymKeysOf(config: Pick<NodeConfig, 'persons'>): PseudonymKey[] {
  return config.persons.pseudonymKeys.map(({ id, file }) => {
    const secret = readKeyFile(file);
    if (secret.error !== undefined) throw new CredfedError('CONFIG_INVALID', `persons.pseudonymKeys ${id}: ${secret.error}`);
    return { id, secret: secret.value };
  });
}
