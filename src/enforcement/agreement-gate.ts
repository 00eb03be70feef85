/**
 * The agreement check of every partner call (the RPC wrapper calls it):
 * which agreement governs the partner now, whether it allows the call, and
 * the quota. Long-running calls are re-checked whenever the agreements
 * change and every second (so an expiry ends them on time, whatever the
 * clock), and end with the refusal once the agreement no longer allows them.
 */
import type { PartnerConfig } from '../config/node-config.js';
import type { AgreementInForce } from '../core/agreements/agreement.js';
import { decideCall, type CallNeed } from '../core/agreements/evaluate.js';
import type { Clock } from '../core/clock.js';
import { CredfedError } from '../core/errors.js';
import type { QuotaCounter } from './quota-counter.js';

/** Where the active agreements come from (the gateway's AgreementDirectory). */
export interface AgreementSource {
  governing(partner: { readonly id: string; readonly kind: string }): AgreementInForce | undefined;
  onChange(listener: () => void): (() => void) | void;
}

/** What the RPC wrapper needs (see Gatekeeper.agreements). */
export interface AgreementEnforcer {
  /** Decides a new call and counts it against the quota; throws the refusal (CredfedError). */
  admit(partner: PartnerConfig, need: CallNeed): AgreementInForce;
  /** Decides again (no quota), e.g. for the next batch of a stream; throws the refusal. */
  recheck(partner: PartnerConfig, need: CallNeed): AgreementInForce;
  /** Calls `end` once when the call is no longer allowed; returns the function that stops watching. */
  watch(partner: PartnerConfig, need: CallNeed, end: (refusal: CredfedError) => void): () => void;
}

const RECHECK_MS = 1000;

export class AgreementGate implements AgreementEnforcer {
  private readonly watchers = new Set<() => void>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly source: AgreementSource,
    private readonly quotas: QuotaCounter | undefined,
    private readonly clock: Clock,
  ) {
    source.onChange(() => this.recheckAll());
  }

  admit(partner: PartnerConfig, need: CallNeed): AgreementInForce {
    const inForce = this.recheck(partner, need);
    this.quotas?.take(partner.id, inForce.agreement.quotas);
    return inForce;
  }

  recheck(partner: PartnerConfig, need: CallNeed): AgreementInForce {
    const inForce = this.source.governing(partner);
    const refusal = decideCall(inForce, partner.id, need, this.clock.now());
    if (refusal) throw new CredfedError(refusal.code, refusal.detail, inForce ? { agreementId: inForce.agreement.id, agreementVersion: inForce.version } : {});
    return inForce!;
  }

  watch(partner: PartnerConfig, need: CallNeed, end: (refusal: CredfedError) => void): () => void {
    const check = () => {
      try {
        this.recheck(partner, need);
      } catch (e) {
        stop();
        end(e as CredfedError);
      }
    };
    const stop = () => {
      this.watchers.delete(check);
      if (this.watchers.size === 0 && this.timer) {
        clearInterval(this.timer);
        this.timer = undefined;
      }
    };
    this.watchers.add(check);
    if (!this.timer) {
      this.timer = setInterval(() => this.recheckAll(), RECHECK_MS);
      this.timer.unref();
    }
    return stop;
  }

  private recheckAll(): void {
    for (const check of [...this.watchers]) check();
  }
}
