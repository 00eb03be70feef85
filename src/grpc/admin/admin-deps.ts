/**
 * What the Admin handlers work with: the node's configuration and store, the
 * clock, and who the calling admin is (from its verified certificate only).
 */
import type { NodeConfig } from '../../config/node-config.js';
import type { Clock } from '../../core/clock.js';
import { CredfedError } from '../../core/errors.js';
import type { CaContext } from '../../ca/ca-context.js';
import { unlockCa, type UnlockedCa } from '../../ca/ca-unlock.js';
import { readPassphraseFile } from '../../ca/passphrase-file.js';
import type { StatusResponse } from '../../gen/credfed/v1/admin.js';
import type { PersonsProtection } from '../../persons/persons-protection.js';
import type { Recognizer } from '../../recognition/recognizer.js';
import type { Store } from '../../store/store.js';
import type { CallContext } from '../rpc-wrapper.js';

export interface AdminDeps {
  readonly config: NodeConfig;
  readonly store: Store;
  readonly clock: Clock;
  /** The Status answer (live sender state lives in the gateway). */
  readonly status: () => Promise<StatusResponse>;
  /** Recognition for this platform's users; undefined when the node signs no verdicts. */
  readonly recognizer?: Recognizer;
  /** Natural persons' keys (the feed resolves watched identity numbers); absent: none configured. */
  readonly persons?: PersonsProtection;
  /** Wakes the push senders: new outbox rows are waiting. */
  readonly notifyOutbox?: () => void;
  /** Wakes the upstream sender: objections or feedback to pass on are waiting. */
  readonly notifyUpstream?: () => void;
}

/** The actor recorded for an admin's changes: `admin/<name>` from its certificate. */
export function actorOf(ctx: CallContext): string {
  return `admin/${ctx.peer.id}`;
}

export function caContext(deps: AdminDeps): CaContext {
  return { store: deps.store, federation: deps.config.federation, nodeId: deps.config.nodeId, clock: deps.clock };
}

/**
 * Unlocks the store's CA with the passphrase in config `ca.passphraseFile`,
 * read on every signing call (so a rotated file needs no restart). Throws
 * CA_LOCKED when the setting is absent, its file unreadable or its
 * passphrase wrong, and CA_NOT_FOUND when the store holds no CA.
 */
export async function unlockGatewayCa(deps: AdminDeps): Promise<UnlockedCa> {
  const file = deps.config.ca.passphraseFile;
  if (!file) {
    throw new CredfedError('CA_LOCKED', 'signing through the admin API needs the CA passphrase: set ca.passphraseFile (or CREDFED_CA_PASSPHRASE_FILE) in the gateway configuration');
  }
  let passphrase: string;
  try {
    passphrase = await readPassphraseFile(file, 'CA passphrase (ca.passphraseFile)');
  } catch (e) {
    throw new CredfedError('CA_LOCKED', `ca.passphraseFile cannot be used: ${(e as Error).message}`);
  }
  try {
    return await unlockCa(deps.store, deps.config.federation, passphrase);
  } catch (e) {
    // The caller's credentials are fine: the gateway's own setting is wrong.
    if (e instanceof CredfedError && e.code === 'CA_PASSPHRASE_WRONG') {
      throw new CredfedError('CA_LOCKED', 'the passphrase in ca.passphraseFile does not decrypt the CA key');
    }
    throw e;
  }
}

/** proto3 default 0 means "not given". */
export function given(n: number): number | undefined {
  return n === 0 ? undefined : n;
}

/** proto3 default "" means "not given". */
export function text(s: string): string | undefined {
  return s === '' ? undefined : s;
}
