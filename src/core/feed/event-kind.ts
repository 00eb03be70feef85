/** What a feed event tells about a record, from its status before and after. Pure. */
import { FeedEventKind } from '../../gen/credfed/v1/feed.js';
import { RecordStatus } from '../../gen/credfed/v1/record.js';

const BY_STATUS: Partial<Record<number, FeedEventKind>> = {
  [RecordStatus.RECORD_STATUS_DISPUTED]: FeedEventKind.FEED_EVENT_KIND_DISPUTED,
  [RecordStatus.RECORD_STATUS_REPAIRED]: FeedEventKind.FEED_EVENT_KIND_REPAIRED,
  [RecordStatus.RECORD_STATUS_REVOKED]: FeedEventKind.FEED_EVENT_KIND_REVOKED,
  [RecordStatus.RECORD_STATUS_EXPIRED]: FeedEventKind.FEED_EVENT_KIND_EXPIRED,
};

/**
 * A record seen for the first time is NEW; a new version in force (or a
 * dispute ended with the record upheld) CORRECTED; otherwise the status it
 * moved to names the event (DISPUTED, REPAIRED, REVOKED, EXPIRED).
 */
export function eventKind(previousStatus: number | null, status: number): FeedEventKind {
  const byStatus = BY_STATUS[status];
  if (byStatus !== undefined) return byStatus;
  return previousStatus === null ? FeedEventKind.FEED_EVENT_KIND_NEW : FeedEventKind.FEED_EVENT_KIND_CORRECTED;
}
