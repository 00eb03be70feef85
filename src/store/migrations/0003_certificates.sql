-- The node's certificate authority and every certificate it issued.
-- Distribution (Citus): reference tables (small, read everywhere).

-- The CA of this node: exactly one row (ca_id = 1) once `credfed ca init` ran.
CREATE TABLE ca (
  ca_id           smallint PRIMARY KEY DEFAULT 1,
  -- trust domain the CA issues for (its spiffe://<federation> URI SAN)
  federation      text NOT NULL,
  cert_pem        text NOT NULL,
  -- PKCS#8 PEM encrypted with AES-256-CBC under the CA passphrase; never stored in clear
  key_pem         text NOT NULL,
  created_at      timestamptz NOT NULL,
  -- CRL number the next published CRL carries (RFC 5280 §5.2.3), monotonic
  next_crl_number bigint NOT NULL DEFAULT 1,
  -- the last published CRL (PEM, `X509 CRL` label) and its validity
  crl_pem         text,
  crl_this_update timestamptz,
  crl_next_update timestamptz,
  CHECK (ca_id = 1),
  CHECK (key_pem LIKE '-----BEGIN ENCRYPTED PRIVATE KEY-----%'),
  CHECK (next_crl_number > 0),
  CHECK ((crl_pem IS NULL) = (crl_this_update IS NULL) AND (crl_pem IS NULL) = (crl_next_update IS NULL))
);

-- Every certificate the CA issued, valid or revoked, expired ones included.
CREATE TABLE certificates (
  -- serial number, lower-case hex without leading zero bytes
  serial            text PRIMARY KEY,
  -- partner id (profiles tls and verdict) or admin name (profile admin)
  partner_id        text NOT NULL,
  -- tls: gateway serverAuth+clientAuth; admin: admin client; verdict: verdict signing
  profile           text NOT NULL,
  cert_pem          text NOT NULL,
  not_before        timestamptz NOT NULL,
  not_after         timestamptz NOT NULL,
  status            text NOT NULL DEFAULT 'valid',
  revoked_at        timestamptz,
  -- RFC 5280 CRLReason names
  revocation_reason text,
  -- the certificate this one renewed (both stay valid: overlap)
  renewed_from      text REFERENCES certificates (serial),
  created_at        timestamptz NOT NULL,
  CHECK (serial ~ '^[0-9a-f]+$'),
  CHECK (profile IN ('tls', 'admin', 'verdict')),
  CHECK (status IN ('valid', 'revoked')),
  CHECK (not_before < not_after),
  CHECK ((status = 'revoked') = (revoked_at IS NOT NULL)),
  CHECK ((status = 'revoked') = (revocation_reason IS NOT NULL)),
  CHECK (revocation_reason IS NULL OR revocation_reason IN
    ('unspecified', 'keyCompromise', 'caCompromise', 'affiliationChanged', 'superseded', 'cessationOfOperation'))
);
-- `cert list` pages in (not_after, serial) order; --partner filters on partner_id.
CREATE INDEX certificates_not_after ON certificates (not_after, serial);
CREATE INDEX certificates_partner ON certificates (partner_id, not_after, serial);
CREATE INDEX certificates_renewed_from ON certificates (renewed_from);
