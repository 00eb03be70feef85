-- credfed schema v1: subjects, records, the outbox and the sync cursors.
--
-- Distribution (Citus, for big hubs): subjects, subject_identifiers' owner and
-- records are keyed by subject_id, an immutable id assigned at first sight;
-- record_keys by origin_id; outbox, outbox_state, inbound_cursors and
-- sender_leases by partner_id. Every unique constraint includes its table's
-- distribution key.

-- A person or organisation, as first seen. Never re-keyed: when identifiers
-- later prove two subjects are one, an alias is recorded instead.
CREATE TABLE subjects (
  subject_id    uuid PRIMARY KEY,
  kind          smallint NOT NULL,
  name          text NOT NULL,
  first_seen_at timestamptz NOT NULL DEFAULT now()
);

-- Which subject an identifier names. Distribution key: value.
CREATE TABLE subject_identifiers (
  scheme     smallint NOT NULL,
  value      text NOT NULL,
  subject_id uuid NOT NULL,
  PRIMARY KEY (value, scheme)
);
CREATE INDEX subject_identifiers_subject ON subject_identifiers (subject_id);

-- Where the latest version of each record lives, and which version that is.
-- Distribution key: origin_id.
CREATE TABLE record_keys (
  origin_id    text NOT NULL,
  record_id    text NOT NULL,
  subject_id   uuid NOT NULL,
  version      bigint NOT NULL,
  content_hash bytea NOT NULL,
  PRIMARY KEY (origin_id, record_id)
);

-- The latest version of every record held (own and received).
-- Distribution key: subject_id.
CREATE TABLE records (
  subject_id    uuid NOT NULL,
  origin_id     text NOT NULL,
  record_id     text NOT NULL,
  version       bigint NOT NULL,
  category      smallint NOT NULL,
  status        smallint NOT NULL,
  disclosure    smallint NOT NULL,
  decision_date date NOT NULL,
  reported_at   timestamptz,
  received_from text NOT NULL,
  received_at   timestamptz NOT NULL DEFAULT now(),
  payload       bytea NOT NULL,
  PRIMARY KEY (subject_id, origin_id, record_id)
);
CREATE INDEX records_received_from ON records (received_from, received_at);

-- Record versions queued for a partner, with their sequence in the
-- (this node, partner) stream. Acknowledged rows are kept for a retention
-- period so a receiver restored from a backup can be refilled.
CREATE TABLE outbox (
  partner_id        text NOT NULL,
  seq               bigint NOT NULL,
  origin_id         text NOT NULL,
  record_id         text NOT NULL,
  version           bigint NOT NULL,
  payload           bytea NOT NULL,
  enqueued_at       timestamptz NOT NULL DEFAULT now(),
  acked_at          timestamptz,
  rejection_reason  text,
  rejection_message text,
  PRIMARY KEY (partner_id, seq)
);
CREATE INDEX outbox_unacked ON outbox (partner_id, seq) WHERE acked_at IS NULL;
CREATE INDEX outbox_acked_at ON outbox (partner_id, acked_at) WHERE acked_at IS NOT NULL;

-- Per-partner outbound counters. last_seq is allocated under this row's lock,
-- so sequences commit in order and the stream has no gaps.
CREATE TABLE outbox_state (
  partner_id text PRIMARY KEY,
  last_seq   bigint NOT NULL DEFAULT 0,
  acked_seq  bigint NOT NULL DEFAULT 0,
  acked_at   timestamptz,
  rejected   bigint NOT NULL DEFAULT 0
);

-- Per-partner inbound cursor: the last sequence committed from that sender.
-- Updated in the same transaction as the records it covers.
CREATE TABLE inbound_cursors (
  partner_id text PRIMARY KEY,
  last_seq   bigint NOT NULL DEFAULT 0,
  last_at    timestamptz,
  accepted   bigint NOT NULL DEFAULT 0,
  unchanged  bigint NOT NULL DEFAULT 0,
  rejected   bigint NOT NULL DEFAULT 0
);

-- One active sender per partner across all gateway processes sharing the store.
CREATE TABLE sender_leases (
  partner_id text PRIMARY KEY,
  holder     text NOT NULL,
  expires_at timestamptz NOT NULL
);
