-- The identifier graph (DESIGN.md §2.1, §3; issue 5).
--
-- Nodes are the identifiers in subject_identifiers (every identifier seen);
-- identifiers linked to one subject are linked to each other. `source` says
-- who made the link: a partner id, 'local' (an import), 'mapping:<file>'
-- (a legacy-code mapping file), 'derived' (the organisation code inside a
-- USCC), 'review:<actor>' (an admin's decision) or 'rekey' (a person's
-- pseudonym under a new federation key). Rows from before this
-- migration have no source.
ALTER TABLE subject_identifiers ADD COLUMN source text;

-- Who gave the subject its current name, for the check that one USCC is not
-- named materially differently by different partners.
ALTER TABLE subjects ADD COLUMN name_source text;

-- Subjects that identifiers later proved to be another subject. The merged
-- subject keeps its id (records stay where they are: the id is the
-- distribution key); its identifiers are linked to the canonical subject and
-- look-ups follow the alias. canonical_id is never itself an alias (merging
-- into a subject that has aliases repoints them). Distribution key: subject_id.
CREATE TABLE subject_aliases (
  subject_id   uuid PRIMARY KEY,
  canonical_id uuid NOT NULL,
  source       text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX subject_aliases_canonical ON subject_aliases (canonical_id);

-- Evidence the graph refused to apply automatically, for an admin to decide:
--   legacy_two_usccs   an organisation code or other legacy identifier
--                      (scheme, value) of subject_id, named with another USCC
--                      (proposed_value) by `source`
--   legacy_two_org_codes a legacy identifier (scheme, value) of subject_id,
--                      which holds another organisation code, named with the
--                      organisation code proposed_value by `source`
--   uscc_two_org_codes a USCC (scheme, value) of subject_id named with an
--                      organisation code (proposed_value) other than its own
--   uscc_two_names     a USCC (scheme, value) of subject_id called
--                      proposed_name by `source`, materially different from
--                      existing_name given by another source
-- The same evidence seen again counts an occurrence; a decided conflict
-- stays decided. Small and admin-facing: a reference table under Citus.
CREATE TABLE identifier_conflicts (
  conflict_id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind             text NOT NULL CHECK (kind IN ('legacy_two_usccs', 'legacy_two_org_codes', 'uscc_two_org_codes', 'uscc_two_names')),
  subject_id       uuid NOT NULL,
  scheme           smallint NOT NULL,
  value            text NOT NULL,
  proposed_scheme  smallint NOT NULL DEFAULT 0,
  proposed_value   text NOT NULL DEFAULT '',
  proposed_name    text NOT NULL DEFAULT '',
  existing_name    text NOT NULL DEFAULT '',
  source           text NOT NULL,
  evidence         text NOT NULL DEFAULT '',
  status           text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'accepted', 'rejected')),
  occurrences      bigint NOT NULL DEFAULT 1,
  detected_at      timestamptz NOT NULL DEFAULT now(),
  last_seen_at     timestamptz NOT NULL DEFAULT now(),
  decided_at       timestamptz,
  decided_by       text,
  decision_reason  text
);
CREATE UNIQUE INDEX identifier_conflicts_evidence
  ON identifier_conflicts (kind, subject_id, scheme, value, proposed_value, proposed_name);
CREATE INDEX identifier_conflicts_status ON identifier_conflicts (status, conflict_id);
