-- Natural persons' resident identity numbers (issue 5, point 5; DESIGN.md §2.5).
--
-- Records, the outbox and the identifier graph carry only keyed pseudonyms
-- (subject_identifiers scheme 8, IDENTIFIER_SCHEME_RESIDENT_ID_PSEUDONYM).
-- The clear number is kept here only when persons.residentIdStorage is
-- `encrypted`: AES-256-GCM under a key derived from this node's
-- persons.encryptionKeyFile (never stored), with the pseudonym as additional
-- authenticated data. With `none`, nothing is written.
-- Distribution (Citus): distributed by pseudonym, which is the value of the
-- person's subject_identifiers row (distributed by value): co-located.
CREATE TABLE person_identities (
  -- the number's pseudonym under the federation key that was current when it was sealed
  pseudonym  text PRIMARY KEY,
  -- id of that federation key (the part of the pseudonym before ':')
  key_id     text NOT NULL,
  -- encrypted number with the 16-byte GCM tag appended
  ciphertext bytea NOT NULL,
  -- 12-byte random GCM nonce
  nonce      bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (octet_length(nonce) = 12),
  CHECK (pseudonym LIKE key_id || ':%')
);
