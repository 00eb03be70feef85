-- Partner registry: the source of truth for partners (seeded from the node's
-- configuration file on first start), and the history of every change.
-- Distribution: reference tables (small, read everywhere).

CREATE TABLE partners (
  partner_id   text PRIMARY KEY,
  display_name text NOT NULL,
  -- child_county, parent_city, peer_region, service_agency, admin
  kind         text NOT NULL,
  -- host:port of the partner's gateway; NULL when it only calls us
  endpoint     text,
  -- active, suspended
  status       text NOT NULL DEFAULT 'active',
  -- SHA-256 fingerprint (hex) of the public key of the CA this partner's
  -- certificates must chain to; NULL: our own CA
  trust_anchor text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  -- incremented on every change (optimistic concurrency, change detection)
  revision     bigint NOT NULL DEFAULT 1,
  CHECK (status IN ('active', 'suspended')),
  CHECK (kind IN ('child_county', 'parent_city', 'peer_region', 'service_agency', 'admin'))
);

-- Who changed what, when: one row per change, with the partner before and after.
CREATE TABLE partner_changes (
  partner_id text NOT NULL,
  revision   bigint NOT NULL,
  actor      text NOT NULL,
  action     text NOT NULL,
  before     jsonb,
  after      jsonb,
  changed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (partner_id, revision)
);
