-- Data-sharing agreements (issue 6): every version of every agreement, as
-- submitted and as parsed, with who stored and who activated it. At most one
-- version of an agreement is active. agreements_revision is bumped by every
-- activation so each gateway re-reads the set only when it changed.
-- Distribution (Citus): reference tables (small, read everywhere).
CREATE TABLE agreements (
  agreement_id text NOT NULL,
  version      bigint NOT NULL,
  document     text NOT NULL,
  parsed       jsonb NOT NULL,
  -- draft (never activated), active, superseded (was active)
  state        text NOT NULL,
  valid_from   timestamptz NOT NULL,
  valid_until  timestamptz NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  created_by   text NOT NULL,
  activated_at timestamptz,
  activated_by text,
  PRIMARY KEY (agreement_id, version),
  CHECK (state IN ('draft', 'active', 'superseded'))
);
CREATE UNIQUE INDEX agreements_one_active ON agreements (agreement_id) WHERE state = 'active';

CREATE TABLE agreements_revision (
  id       int PRIMARY KEY,
  revision bigint NOT NULL
);
INSERT INTO agreements_revision VALUES (1, 0);
