-- Open identifier conflicts are counted per subject on every subject view
-- (QueryRecords, ids resolve, recognition): without this index that count
-- scanned the whole table.
CREATE INDEX identifier_conflicts_subject ON identifier_conflicts (subject_id);
