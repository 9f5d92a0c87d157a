#!/usr/bin/env bash
# PostgreSQL's first start (docker-entrypoint-initdb.d): two owners, two databases.
#   airflow     Airflow's metadata DB (owner `airflow`, password AIRFLOW_DB_PASSWORD)
#   compliance  the Compliance state DB (owner `compliance`, password CLAUDE_COMPLIANCE_DB_PASSWORD)
# The names can be overridden (AIRFLOW_DB_NAME, CLAUDE_COMPLIANCE_DB_NAME) for tests against
# a shared server. Runs only on an empty data directory, as every initdb.d script.
set -euo pipefail

: "${AIRFLOW_DB_PASSWORD:?AIRFLOW_DB_PASSWORD is required}"
: "${CLAUDE_COMPLIANCE_DB_PASSWORD:?CLAUDE_COMPLIANCE_DB_PASSWORD is required}"
airflow_db="${AIRFLOW_DB_NAME:-airflow}"
state_db="${CLAUDE_COMPLIANCE_DB_NAME:-compliance}"

create() {
  local name="$1" password="$2"
  psql -v ON_ERROR_STOP=1 --no-psqlrc --username "${POSTGRES_USER:-postgres}" --dbname postgres \
    -v name="$name" -v password="$password" <<'SQL'
CREATE ROLE :"name" LOGIN PASSWORD :'password';
CREATE DATABASE :"name" OWNER :"name" ENCODING 'UTF8';
REVOKE ALL ON DATABASE :"name" FROM PUBLIC;
SQL
}

create "$airflow_db" "$AIRFLOW_DB_PASSWORD"
create "$state_db" "$CLAUDE_COMPLIANCE_DB_PASSWORD"
echo "10-databases: created $airflow_db and $state_db"
