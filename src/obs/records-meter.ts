/**
 * Records received from partners (issue 9, point 1), counted once the batch
 * that brought them has committed — never for a batch rolled back:
 *
 *     credfed_records_received_total{partner, channel}          every record that arrived (new to the stream)
 *     credfed_records_accepted_total{partner, channel}          stored as a new record or a newer version
 *     credfed_records_rejected_total{partner, channel, reason}  refused, by RecordRejection.reason
 *
 * channel: "push" (Federation.PushRecords, the partner sends), "feed" (the
 * events of a change feed this node follows, partners[].subscribe) or
 * "snapshot" (the records in force a full pull of such a feed delivers: held
 * by the partner, not changed now, so counted apart — and again each time a
 * full pull delivers them, as an interrupted pull starts over). Received −
 * accepted − rejected is what arrived unchanged (a version already held, or
 * older).
 */
import { Counter } from 'prom-client';
import type { RecordRejection } from '../gen/credfed/v1/federation.js';
import type { CreditRecord } from '../gen/credfed/v1/record.js';
import type { Metrics } from './metrics.js';

export type ReceiveChannel = 'push' | 'feed' | 'snapshot';

/** What one committed batch from a partner brought. */
export interface ReceivedBatch {
  /** Records that arrived, valid or not (a resent sequence already committed is not counted again). */
  readonly received: number;
  /** Of them, stored as new records or newer versions. */
  readonly accepted: number;
  readonly rejections: readonly Pick<RecordRejection, 'reason'>[];
  /** The records that passed the checks (accepted or unchanged), e.g. for the timeliness meter. */
  readonly records: readonly CreditRecord[];
  /** Records of a feed's full pull (FEED_EVENT_KIND_SNAPSHOT): counted with channel "snapshot", their timeliness not observed. */
  readonly snapshot?: boolean;
}

/** Hears each committed batch of a partner's records. */
export type ReceivedRecords = (partnerId: string, batch: ReceivedBatch) => void;

export class RecordsMeter {
  private readonly received: Counter<'partner' | 'channel'>;
  private readonly accepted: Counter<'partner' | 'channel'>;
  private readonly rejected: Counter<'partner' | 'channel' | 'reason'>;

  constructor(metrics: Metrics) {
    this.received = new Counter({
      name: 'credfed_records_received_total',
      help: 'Records received from a partner, counted after their batch committed; channel: push (PushRecords), feed (events of a followed change feed) or snapshot (records of its full pull)',
      labelNames: ['partner', 'channel'],
      registers: [metrics],
    });
    this.accepted = new Counter({
      name: 'credfed_records_accepted_total',
      help: 'Records received from a partner and stored as a new record or a newer version; channel: push, feed or snapshot',
      labelNames: ['partner', 'channel'],
      registers: [metrics],
    });
    this.rejected = new Counter({
      name: 'credfed_records_rejected_total',
      help: 'Records received from a partner and refused, by reason (the RecordRejection reason code); channel: push, feed or snapshot',
      labelNames: ['partner', 'channel', 'reason'],
      registers: [metrics],
    });
  }

  /** Counts a committed batch. */
  committed(partner: string, channel: ReceiveChannel, batch: ReceivedBatch): void {
    if (batch.received > 0) this.received.inc({ partner, channel }, batch.received);
    if (batch.accepted > 0) this.accepted.inc({ partner, channel }, batch.accepted);
    for (const r of batch.rejections) this.rejected.inc({ partner, channel, reason: r.reason || 'UNKNOWN' });
  }
}
