-- credfed schema v1: subjects, records, the outbox and the sync cursors.
--
-- Distribution (Citus, for big hubs): subjects and records are keyed by
-- subject_id, an immutable id assigned at first sight; subject_identifiers by
-- value; outbox, outbox_acks, outbox_rejections, outbox_state, inbound_cursors
-- and sender_leases by partner_id. Every unique constraint includes its
-- table's distribution key.

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

-- The latest version of every record held (own and received).
-- Distribution key: subject_id. (origin_id, record_id) is unique by
-- construction: a record keeps the subject it was first stored under, found
-- through records_origin_record.
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
  -- Local imports: hash of the content without version and reported-at, so an
  -- unchanged row re-imported changes nothing. Received records: hash of the payload.
  content_hash  bytea NOT NULL,
  payload       bytea NOT NULL,
  PRIMARY KEY (subject_id, origin_id, record_id)
);
CREATE INDEX records_origin_record ON records (origin_id, record_id);

-- Record versions queued for a partner, with their sequence in the
-- (this node, partner) stream. Rows up to outbox_state.acked_seq are
-- acknowledged; they are kept for a retention period (see outbox_acks) so a
-- receiver restored from a backup can be refilled.
CREATE TABLE outbox (
  partner_id  text NOT NULL,
  seq         bigint NOT NULL,
  origin_id   text NOT NULL,
  record_id   text NOT NULL,
  version     bigint NOT NULL,
  payload     bytea NOT NULL,
  enqueued_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (partner_id, seq)
);

-- When each acknowledgement arrived: retention purges the outbox up to the
-- newest acknowledgement older than the retention period.
CREATE TABLE outbox_acks (
  partner_id  text NOT NULL,
  through_seq bigint NOT NULL,
  acked_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (partner_id, through_seq)
);

-- Records a partner refused, with its reason.
CREATE TABLE outbox_rejections (
  partner_id  text NOT NULL,
  seq         bigint NOT NULL,
  record_id   text NOT NULL,
  reason      text NOT NULL,
  message     text NOT NULL,
  rejected_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (partner_id, seq)
);

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
