/**
 * `credfed watch`: follows a gateway's change feed on the terminal
 * (Admin.WatchFeed, admin certificate): new records and versions, disputes,
 * repairs, revocations and expiries as they are stored, and the level
 * changes of watched subjects. Ends on Ctrl-C, or with --until-caught-up
 * once every stored change has been shown.
 */
import type * as grpc from '@grpc/grpc-js';
import { CATEGORY_NAMES } from '../../core/agreements/agreement.js';
import { categoryName } from '../../core/agreements/evaluate.js';
import { fromCreditLevel } from '../../core/verdicts/recognition-rules.js';
import { FeedEventKind, type SubscribeResponse, type WatchFeedResponse } from '../../gen/credfed/v1/feed.js';
import type { RecordCategory } from '../../gen/credfed/v1/record.js';
import { ADMIN_TARGET_HELP, ADMIN_TARGET_OPTIONS, adminTargetOf, remoteError, withAdminClient } from '../admin-call.js';
import { EXIT, UsageError, type Command, type Io } from '../command.js';
import { waitForShutdownSignal } from '../signals.js';

const KIND_NAMES: Record<number, string> = {
  [FeedEventKind.FEED_EVENT_KIND_SNAPSHOT]: 'held',
  [FeedEventKind.FEED_EVENT_KIND_NEW]: 'new',
  [FeedEventKind.FEED_EVENT_KIND_CORRECTED]: 'corrected',
  [FeedEventKind.FEED_EVENT_KIND_DISPUTED]: 'disputed',
  [FeedEventKind.FEED_EVENT_KIND_REPAIRED]: 'repaired',
  [FeedEventKind.FEED_EVENT_KIND_REVOKED]: 'revoked',
  [FeedEventKind.FEED_EVENT_KIND_EXPIRED]: 'expired',
};

export const watchCommand: Command = {
  name: 'watch',
  summary: "follow a gateway's change feed on the terminal (new records, corrections, repairs, revocations, level changes)",
  options: {
    from: { type: 'string' },
    categories: { type: 'string' },
    subjects: { type: 'string' },
    'until-caught-up': { type: 'boolean' },
    json: { type: 'boolean' },
    ...ADMIN_TARGET_OPTIONS,
  },
  help: `Usage: credfed watch [--from CURSOR] [--categories C,C] [--subjects ID,ID] [--until-caught-up] [--json]
                     [--data-dir DIR [--node ID] | --config FILE --cert ADMIN.crt --key ADMIN.key]

Follows a gateway's change feed (Admin.WatchFeed, admin certificate): one
line per change as the gateway stores it — a new record (e.g. a new
dishonesty-list entry), a correction, a dispute, a credit repair, a
revocation, an expiry — and the level changes of the subjects given with
--subjects (their level now is shown first). Partners receive the same feed
through Federation.Subscribe, filtered by their agreement.

Without --from the feed starts with every record in force ("held"), then
the changes. Every line ends with the cursor after it: --from CURSOR resumes
exactly after that line, missing nothing and repeating nothing. A cursor
older than the gateway keeps (feed.retainDays) is refused (CURSOR_EXPIRED):
start again without --from.

Options:
      --from CURSOR       resume after this cursor (default: all records held, then changes)
      --categories LIST   only these categories, comma-separated: ${CATEGORY_NAMES.join(', ')}
      --subjects LIST     identifiers whose level changes to report (at most 1,000), comma-separated
      --until-caught-up   exit once every change stored so far has been shown
      --json              one JSON object per line (NDJSON)
${ADMIN_TARGET_HELP}

Exit code: 0 stopped (Ctrl-C, or caught up with --until-caught-up); 1 refused
(CURSOR_INVALID, CURSOR_EXPIRED, FEED_FILTER_INVALID, IDENTIFIER_INVALID) or
the gateway unreachable; 2 wrong usage.

EXAMPLES
  npx credfed watch --node city                          # the local federation's city, from the start
  credfed watch -c city.yaml --cert ops.crt --key ops.key --categories dishonesty_list,dishonest_debtor
  credfed watch --node city --from c1.MTIzOjQ1Ng --subjects 91210102MA0XXXXXXX --json
`,
  async run({ values }, io) {
    const categories = listOf(values.categories).map((name, i) => {
      const n = CATEGORY_NAMES.indexOf(name as (typeof CATEGORY_NAMES)[number]);
      if (n < 0) throw new UsageError(`--categories: "${name}" (item ${i + 1}) is not one of ${CATEGORY_NAMES.join(', ')}`);
      return (n + 1) as RecordCategory;
    });
    const watch = listOf(values.subjects).map((identifier) => ({ identifier, scheme: 0 }));
    const cursor = typeof values.from === 'string' ? values.from : '';
    const target = adminTargetOf(values);
    const untilCaughtUp = values['until-caught-up'] === true;
    await withAdminClient(target, (client) => follow(client.watchFeed({ feed: { cursor, categories, watch } }), io, { json: values.json === true, untilCaughtUp }));
    return EXIT.OK;
  },
};

/** Prints the feed until it ends, Ctrl-C, or (untilCaughtUp) the first caught-up; rejects with the gateway's refusal. */
function follow(call: grpc.ClientReadableStream<WatchFeedResponse>, io: Io, opts: { json: boolean; untilCaughtUp: boolean }): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let stopped = false;
    const stop = () => {
      stopped = true;
      call.cancel();
      resolve();
    };
    void waitForShutdownSignal().then(stop);
    call.on('data', (m: WatchFeedResponse) => {
      const event = m.event;
      if (!event || stopped) return;
      io.out(`${opts.json ? JSON.stringify(jsonOf(event)) : lineOf(event)}\n`);
      if (io.drain) {
        call.pause();
        void io.drain().then(() => call.resume());
      }
      if (opts.untilCaughtUp && event.event?.$case === 'caughtUp') stop();
    });
    call.on('error', (e) => (stopped ? resolve() : reject(remoteError(e))));
    call.on('end', () => resolve());
  });
}

function lineOf(m: SubscribeResponse): string {
  const at = m.cursor ? `  (cursor ${m.cursor})` : '';
  const e = m.event;
  switch (e?.$case) {
    case 'record': {
      const r = e.value.record!;
      const subject = r.subject?.identifiers[0];
      const who = `${r.subject?.name ?? ''} ${subject?.masked || subject?.value || ''}`.trim();
      return `${(KIND_NAMES[e.value.kind] ?? 'changed').padEnd(9)} ${r.originId}/${r.recordId} v${r.version}  ${categoryName(r.category) ?? r.category}  ${who}${at}`;
    }
    case 'levelChange': {
      const v = e.value;
      const from = fromCreditLevel(v.previous);
      return `${'level'.padEnd(9)} ${v.subject?.identifier ?? ''}  ${from ? `${from} → ` : 'now '}${fromCreditLevel(v.level) ?? v.level}${at}`;
    }
    case 'snapshotEnd':
      return `-- ${e.value.records} records held; changes follow${at}`;
    case 'caughtUp':
      return `-- caught up${at}`;
    default:
      return `-- (a message this version does not know)${at}`;
  }
}

function jsonOf(m: SubscribeResponse): Record<string, unknown> {
  const e = m.event;
  const base = { cursor: m.cursor };
  switch (e?.$case) {
    case 'record': {
      const r = e.value.record!;
      return { ...base, event: KIND_NAMES[e.value.kind] ?? 'changed', originId: r.originId, recordId: r.recordId, version: r.version, category: categoryName(r.category), subject: r.subject, status: r.status };
    }
    case 'levelChange':
      return { ...base, event: 'level', subject: e.value.subject?.identifier, previous: fromCreditLevel(e.value.previous) ?? null, level: fromCreditLevel(e.value.level) };
    case 'snapshotEnd':
      return { ...base, event: 'snapshot_end', records: e.value.records };
    case 'caughtUp':
      return { ...base, event: 'caught_up' };
    default:
      return { ...base, event: 'unknown' };
  }
}

function listOf(v: string | boolean | undefined): string[] {
  return typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter((s) => s !== '') : [];
}
