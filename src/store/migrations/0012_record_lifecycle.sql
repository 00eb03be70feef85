-- Publicity periods (issue 8): what a record's end of force is computed from,
-- kept beside it so expiry is one indexed statement, whatever the periods
-- configured. Written with every stored version; rows stored before this
-- migration are filled in by the gateway at start (severity IS NULL).
--   severity: a penalty's severity (PenaltySeverity 1..3), 0 for the rest.
--   ends_on:  the first day the record is out of force by its own dates
--             (publicity end, removal date, end of validity); NULL: none.
ALTER TABLE records ADD COLUMN severity smallint, ADD COLUMN ends_on date;

-- Records in force by their own end, and by category, severity and decision
-- date (the maximum publicity of each): the expiry sweep reads only these.
CREATE INDEX records_in_force_ends_on ON records (ends_on) WHERE status IN (1, 2) AND ends_on IS NOT NULL;
CREATE INDEX records_in_force_decided ON records (category, severity, decision_date) WHERE status IN (1, 2);
-- Rows still to be filled in.
CREATE INDEX records_lifecycle_unread ON records (subject_id, origin_id, record_id) WHERE severity IS NULL;
