/**
 * Keeps our own CA's CRL fresh: a gateway whose store holds the CA and whose
 * configuration names `ca.passphraseFile` publishes a new CRL once less than
 * half of the current one's validity remains (and at once when none was ever
 * published), with the same validity as the current one. Replicas on one
 * PostgreSQL race safely: the CA row is locked in the publishing transaction
 * and the condition checked again under the lock, so only one publishes.
 *
 * Problems are logged once each (no passphrase file configured, a wrong
 * passphrase, an unreadable file) and never stop the gateway.
 */
import type { Clock } from '../core/clock.js';
import { isCredfedError } from '../core/errors.js';
import type { Logger } from '../obs/logger.js';
import { getCa, type CaRow } from '../store/repos/certificates-repo.js';
import type { Store } from '../store/store.js';
import type { CaContext } from './ca-context.js';
import { lockCa, unlockCa } from './ca-unlock.js';
import { readPassphraseFile } from './passphrase-file.js';
import { DEFAULT_CRL_VALID_MS, publishCrlIn, type PublishedCrl } from './publish-crl.js';

/** A CRL shorter-lived than this is treated as a mistake: the default validity is used instead. */
const MIN_VALID_MS = 60_000;

/** Whether the CA's CRL is due for re-issue at `now`: never published, or less than half its validity left. */
export function crlNeedsRenewal(ca: Pick<CaRow, 'crlThisUpdate' | 'crlNextUpdate'>, now: Date): boolean {
  if (ca.crlThisUpdate === null || ca.crlNextUpdate === null) return true;
  const validity = ca.crlNextUpdate.getTime() - ca.crlThisUpdate.getTime();
  return ca.crlNextUpdate.getTime() - now.getTime() < validity / 2;
}

/** Validity of the next CRL: that of the current one (an admin's `ca crl --next-update` choice), else 7 days. */
export function nextCrlValidity(ca: Pick<CaRow, 'crlThisUpdate' | 'crlNextUpdate'>): number {
  if (ca.crlThisUpdate === null || ca.crlNextUpdate === null) return DEFAULT_CRL_VALID_MS;
  const validity = ca.crlNextUpdate.getTime() - ca.crlThisUpdate.getTime();
  return validity >= MIN_VALID_MS ? validity : DEFAULT_CRL_VALID_MS;
}

export interface CrlKeeperOptions {
  readonly store: Store;
  readonly federation: string;
  readonly nodeId: string;
  readonly clock: Clock;
  /** `ca.passphraseFile`; unset: the CRL is not renewed here (warned once). */
  readonly passphraseFile?: string;
  readonly log: Logger;
  /** Called after a CRL this keeper published has committed. */
  readonly onPublished?: (crl: PublishedCrl) => void;
}

export class CrlKeeper {
  readonly #opts: CrlKeeperOptions;
  /** The last problem logged, so it is logged once until something changes. */
  #lastProblem: string | undefined;
  #warnedNoPassphrase = false;

  constructor(opts: CrlKeeperOptions) {
    this.#opts = opts;
  }

  /** Publishes a CRL when one is due; the CRL published, or undefined. Never throws. */
  async checkNow(): Promise<PublishedCrl | undefined> {
    const { store, clock, log } = this.#opts;
    try {
      const row = await getCa(store);
      if (!row) return undefined;
      if (this.#opts.passphraseFile === undefined) {
        if (!this.#warnedNoPassphrase) {
          this.#warnedNoPassphrase = true;
          log.warn(
            { nextUpdate: row.crlNextUpdate?.toISOString() ?? 'never published' },
            'the CA CRL will not be renewed automatically: ca.passphraseFile is not set; publish it with credfed ca crl before its nextUpdate',
          );
        }
        return undefined;
      }
      if (!crlNeedsRenewal(row, clock.now())) return undefined;
      const passphrase = await readPassphraseFile(this.#opts.passphraseFile, 'ca.passphraseFile');
      const unlocked = await unlockCa(store, this.#opts.federation, passphrase);
      const ctx: CaContext = { store, federation: this.#opts.federation, nodeId: this.#opts.nodeId, clock };
      const published = await store.transaction(async (tx) => {
        // another replica may have published while we unlocked: decide again under the row lock
        const locked = await lockCa(tx, unlocked);
        if (!crlNeedsRenewal(locked, clock.now())) return undefined;
        return publishCrlIn(tx, ctx, unlocked, { validMs: nextCrlValidity(locked) });
      });
      this.#lastProblem = undefined;
      if (published) {
        log.info(
          { crlNumber: published.number.toString(), nextUpdate: published.nextUpdate.toISOString(), count: published.revoked },
          'published a new CRL of our CA',
        );
        this.#opts.onPublished?.(published);
      }
      return published;
    } catch (e) {
      const code = isCredfedError(e) ? e.code : 'INTERNAL';
      this.#problem(`${code}:${(e as Error).message}`, () =>
        log.error({ err: e, code }, 'could not re-issue the CA CRL; the gateway keeps serving, the current CRL stays until its nextUpdate'),
      );
      return undefined;
    }
  }

  #problem(key: string, report: () => void): void {
    if (this.#lastProblem === key) return;
    this.#lastProblem = key;
    report();
  }
}
