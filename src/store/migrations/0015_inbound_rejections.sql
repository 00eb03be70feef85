-- Rejections this node sent back to its sending partners (issue 9, point 4):
-- until now only the sender kept them (outbox_rejections), so the receiving
-- platform could not report on the quality of what each partner delivers.
-- One row per rejected record of a pushed batch, written in the batch's
-- transaction with the records and the inbound cursor it covers (a resumed
-- batch writes only the sequences after the cursor), so the table holds each
-- rejection once. The reason's message is not kept: it can quote the value at
-- fault (e.g. part of an identity number); the sender keeps it.
--
-- Distribution (Citus): by partner_id, like inbound_cursors. The primary key
-- includes it.
CREATE TABLE inbound_rejections (
  partner_id  text NOT NULL,
  -- The record's sequence in the (partner, this node) stream.
  seq         bigint NOT NULL,
  -- As sent; '' when the batch entry carried no record.
  origin_id   text NOT NULL,
  record_id   text NOT NULL,
  -- RecordCategory when the record named a known one; NULL otherwise.
  category    smallint,
  -- Error catalogue code (src/core/errors.ts), e.g. RECORD_FIELD_MISSING.
  reason      text NOT NULL,
  -- The field at fault, e.g. "subject.identifiers[0].value".
  field       text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (partner_id, seq)
);
-- The monthly report reads one month of every partner's rejections.
CREATE INDEX inbound_rejections_received ON inbound_rejections (received_at);
