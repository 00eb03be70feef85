-- Objections and joint-punishment feedback (issue 8): both travel hop by hop
-- along a record's path back to its origin (each platform passes them to the
-- partner the record came from), so each node keeps what it holds and a
-- queue of what it must still pass on, retried until acknowledged.
--
-- Distribution (Citus): objections and feedback by origin_id; upstream_queue by partner_id.
CREATE TABLE objections (
  objection_id  uuid PRIMARY KEY,
  origin_id     text NOT NULL,
  record_id     text NOT NULL,
  version       bigint NOT NULL,
  filed_at      text NOT NULL,
  complainant   text NOT NULL,
  reason        text NOT NULL,
  filed_time    timestamptz NOT NULL,
  -- 1 open, 2 resolved (ObjectionState).
  state         smallint NOT NULL DEFAULT 1,
  -- ObjectionOutcome, 0 while open.
  outcome       smallint NOT NULL DEFAULT 0,
  resolution    text NOT NULL DEFAULT '',
  resolved_time timestamptz,
  -- '' where filed; the partner it came from otherwise.
  received_from text NOT NULL,
  -- '' at the origin; the partner it is passed on to otherwise.
  forwarded_to  text NOT NULL,
  -- At the origin: the record's version once marked disputed (a correction
  -- is a later version); NULL elsewhere.
  origin_version bigint,
  stored_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX objections_record ON objections (origin_id, record_id);
CREATE INDEX objections_listed ON objections (stored_at DESC, objection_id);

CREATE TABLE feedback (
  feedback_id   uuid PRIMARY KEY,
  origin_id     text NOT NULL,
  record_id     text NOT NULL,
  reported_by   text NOT NULL,
  measure       text NOT NULL,
  applied_on    date NOT NULL,
  reported_time timestamptz NOT NULL,
  received_from text NOT NULL,
  forwarded_to  text NOT NULL,
  stored_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX feedback_record ON feedback (origin_id, record_id);
CREATE INDEX feedback_listed ON feedback (stored_at DESC, feedback_id);

-- What this node must pass on: one row per (message, partner), removed
-- when the partner acknowledges it.
CREATE TABLE upstream_queue (
  partner_id  text NOT NULL,
  -- 'objection' or 'feedback'.
  kind        text NOT NULL,
  message_id  uuid NOT NULL,
  enqueued_at timestamptz NOT NULL DEFAULT now(),
  attempts    int NOT NULL DEFAULT 0,
  last_error  text,
  next_try_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (partner_id, kind, message_id)
);
