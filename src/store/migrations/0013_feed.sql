-- Change feed (issue 8, Federation.Subscribe): every stored record version,
-- and every change of a record's status, as an event in commit order. An
-- event keeps no copy of the record: readers take the bytes of the version
-- held now, and skip an event a newer version has superseded (its own event
-- follows), so storing a record costs one narrow row more.
--
-- Events are written by triggers on records, so every path that stores a
-- record (imports, sync, repairs, the expiry sweep) feeds them in the same
-- transaction. An event is ordered by (xid, id): the writing transaction's
-- id and a sequence. Readers take only events of transactions older than the
-- oldest one still running (pg_snapshot_xmin), so no event can later appear
-- before a position already read: a cursor never misses one.
--
-- Distribution (Citus): none. The feed's order is one database's commit
-- order, so feed_events, feed_horizon and feed_cursors stay on the
-- coordinator (local tables).
CREATE TABLE feed_events (
  xid             xid8 NOT NULL DEFAULT pg_current_xact_id(),
  id              bigserial,
  at              timestamptz NOT NULL DEFAULT now(),
  subject_id      uuid NOT NULL,
  origin_id       text NOT NULL,
  record_id       text NOT NULL,
  version         bigint NOT NULL,
  category        smallint NOT NULL,
  status          smallint NOT NULL,
  disclosure      smallint NOT NULL,
  -- The status before this event; NULL for a record seen for the first time.
  previous_status smallint,
  PRIMARY KEY (xid, id)
);
CREATE INDEX feed_events_at ON feed_events (at);

-- How far the history was pruned: a cursor at or before this position is
-- older than the retained history (the subscriber must pull in full).
-- feed_id names this database's feed: cursors carry it, so a cursor from
-- another database (a restore, a move to another store) is refused as expired
-- instead of silently skipping events.
CREATE TABLE feed_horizon (
  only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  feed_id  uuid NOT NULL,
  xid      xid8 NOT NULL,
  id       bigint NOT NULL
);
INSERT INTO feed_horizon (feed_id, xid, id) VALUES (gen_random_uuid(), '0'::xid8, 0);

CREATE FUNCTION feed_records_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO feed_events (subject_id, origin_id, record_id, version, category, status, disclosure, previous_status)
  SELECT subject_id, origin_id, record_id, version, category, status, disclosure, NULL FROM inserted_rows;
  RETURN NULL;
END $$;

CREATE FUNCTION feed_records_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO feed_events (subject_id, origin_id, record_id, version, category, status, disclosure, previous_status)
  SELECT n.subject_id, n.origin_id, n.record_id, n.version, n.category, n.status, n.disclosure, o.status
    FROM new_rows n
    JOIN old_rows o ON o.subject_id = n.subject_id AND o.origin_id = n.origin_id AND o.record_id = n.record_id
   WHERE n.version <> o.version OR n.status <> o.status;
  RETURN NULL;
END $$;

CREATE TRIGGER records_feed_insert AFTER INSERT ON records
  REFERENCING NEW TABLE AS inserted_rows FOR EACH STATEMENT EXECUTE FUNCTION feed_records_inserted();
CREATE TRIGGER records_feed_update AFTER UPDATE ON records
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION feed_records_updated();

-- A subscriber's position in each partner's feed (Subscribe from the
-- receiving side), moved in the transaction that stores what it delivered.
CREATE TABLE feed_cursors (
  partner_id text PRIMARY KEY,
  cursor     text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
