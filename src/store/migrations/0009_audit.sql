-- The audit log (issue 6; 查询使用登记): every partner call and admin action,
-- hash-chained. Each gateway process appends to a chain of its own
-- (CLI commands share one chain per node); every entry carries the hash of
-- the one before it in its chain, and the chain's head (last seq and hash)
-- is updated in the same transaction, so a deleted tail is noticed too.
-- Pruning replaces a chain's oldest entries by a signed checkpoint.
-- Distribution (Citus): by chain.
CREATE TABLE audit_chains (
  chain      text PRIMARY KEY,
  node_id    text NOT NULL,
  started_at timestamptz NOT NULL DEFAULT now(),
  last_seq   bigint NOT NULL DEFAULT 0,
  last_hash  text NOT NULL DEFAULT ''
);

CREATE TABLE audit_entries (
  chain                   text NOT NULL,
  seq                     bigint NOT NULL,
  at                      timestamptz NOT NULL,
  actor                   text NOT NULL,
  partner                 text,
  certificate_fingerprint text,
  method                  text NOT NULL,
  purpose                 text,
  subject                 text,
  reference               text,
  decision                text NOT NULL,
  reason                  text,
  agreement_id            text,
  agreement_version       bigint,
  records_returned        bigint,
  records_accepted        bigint,
  records_rejected        bigint,
  prev_hash               text NOT NULL,
  hash                    text NOT NULL,
  PRIMARY KEY (chain, seq)
);
CREATE INDEX audit_entries_partner_at ON audit_entries (partner, at);
CREATE INDEX audit_entries_at ON audit_entries (at);

-- What pruning removed from the start of a chain, signed by the node's key.
CREATE TABLE audit_checkpoints (
  chain        text NOT NULL,
  through_seq  bigint NOT NULL,
  through_hash text NOT NULL,
  pruned       bigint NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  signer_cert  text NOT NULL,
  signature    text NOT NULL,
  PRIMARY KEY (chain, through_seq)
);
