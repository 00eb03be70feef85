-- Foreign certificate authorities (a neighbouring region's own CA), each bound
-- to one partner by its public key, with the CRL last imported for it.
-- Distribution (Citus): reference table (small, read everywhere).

CREATE TABLE trust_anchors (
  -- the partner whose certificates must chain to this CA (one anchor per partner)
  partner_id      text PRIMARY KEY,
  -- SHA-256 (lower-case hex) of the CA's SubjectPublicKeyInfo DER; equals partners.trust_anchor
  fingerprint     text NOT NULL,
  -- the CA's subject, for display only (never used to match: a DN can be copied)
  subject         text NOT NULL,
  cert_pem        text NOT NULL,
  not_after       timestamptz NOT NULL,
  imported_at     timestamptz NOT NULL,
  imported_by     text NOT NULL,
  -- the CA's CRL (PEM, `X509 CRL` label), signature verified against cert_pem's key at import
  crl_pem         text NOT NULL,
  crl_number      numeric,
  crl_this_update timestamptz NOT NULL,
  crl_next_update timestamptz NOT NULL,
  crl_imported_at timestamptz NOT NULL,
  CHECK (fingerprint ~ '^[0-9a-f]{64}$'),
  CHECK (crl_this_update < crl_next_update)
);
CREATE INDEX trust_anchors_fingerprint ON trust_anchors (fingerprint);
