#!/usr/bin/env bash
# Prepare Airflow and the state DB before the other components start. Idempotent: it runs on
# every `docker compose up` (the airflow-init service), `make up` and scale-out start, and
# after every upgrade.
#   1. Airflow's metadata DB: `airflow db migrate` (to the installed Airflow's head).
#   2. The pools, held in the metadata DB and so shared by every worker:
#      compliance_api  extract tasks at once, across all workers (CLAUDE_COMPLIANCE_API_POOL_SLOTS)
#      duckdb_writer   one slot: dbt build and publish, the warehouse's single writer.
#   3. The state DB (CLAUDE_COMPLIANCE_STATE_DB): its Alembic migrations to head.
set -euo pipefail

slots="${CLAUDE_COMPLIANCE_API_POOL_SLOTS:-4}"
if ! [[ "$slots" =~ ^[1-9][0-9]*$ ]]; then
  echo "airflow-init: CLAUDE_COMPLIANCE_API_POOL_SLOTS must be a positive integer, got '$slots'" >&2
  exit 2
fi

echo "airflow-init: migrating Airflow's metadata DB"
airflow db migrate

pools="$(mktemp)"
trap 'rm -f "$pools"' EXIT
cat >"$pools" <<JSON
{
  "compliance_api": {
    "slots": $slots,
    "description": "Extract tasks at once across all workers: the Compliance API budget is shared per parent organization",
    "include_deferred": false
  },
  "duckdb_writer": {
    "slots": 1,
    "description": "dbt build and publish: DuckDB has a single writer",
    "include_deferred": false
  }
}
JSON
echo "airflow-init: pools compliance_api=$slots duckdb_writer=1"
airflow pools import "$pools"

echo "airflow-init: migrating the state DB"
python - <<'PY'
from claude_compliance import runtime
from claude_compliance.settings import Settings

engine = runtime.state_engine(Settings.load())  # upgrades to the latest revision
print(f"airflow-init: state DB at {engine.url.render_as_string(hide_password=True)} is migrated")
PY
