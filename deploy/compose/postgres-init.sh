#!/usr/bin/env bash
# Runs once, when the PostgreSQL data volume is initialised (the official
# image's /docker-entrypoint-initdb.d): one login role for the gateways and one
# database per gateway ($CREDFED_DATABASES), owned by that role. Each gateway
# applies its migrations at start-up.
set -euo pipefail

: "${CREDFED_DB_PASSWORD:?set CREDFED_DB_PASSWORD}"
: "${CREDFED_DATABASES:?set CREDFED_DATABASES (space-separated database names)}"

psql -v ON_ERROR_STOP=1 --username "${POSTGRES_USER:-postgres}" --dbname postgres \
  --set=password="$CREDFED_DB_PASSWORD" <<'SQL'
CREATE ROLE credfed LOGIN PASSWORD :'password';
SQL

for db in $CREDFED_DATABASES; do
  psql -v ON_ERROR_STOP=1 --username "${POSTGRES_USER:-postgres}" --dbname postgres \
    --set=db="$db" <<'SQL'
CREATE DATABASE :"db" OWNER credfed;
SQL
done
