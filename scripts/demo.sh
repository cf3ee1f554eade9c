#!/usr/bin/env bash
# Sets up and runs Zakaz on the demo plant: installs, creates the demo plant in ./data (once),
# builds and publishes the analytics (snapshot -> pricing -> dbt marts), prints what it made and where.
source "$(dirname "$0")/bootstrap.sh"
export ZAKAZ_HOME="${ZAKAZ_HOME:-$PWD/data}"
if [ ! -f "$ZAKAZ_HOME/app.duckdb" ]; then
    .venv/bin/zakaz init --demo "$@"
else
    echo "==> demo plant already exists in $ZAKAZ_HOME (delete the folder to start afresh)"
fi
.venv/bin/zakaz run
.venv/bin/zakaz status
echo
echo "Dagster UI (lineage, checks, schedules, sensor):"
echo "  ZAKAZ_HOME=$ZAKAZ_HOME ZAKAZ_AS_OF= DAGSTER_HOME=$ZAKAZ_HOME/dagster .venv/bin/dagster dev -w pipelines/workspace.yaml"
