#!/usr/bin/env bash
# Sets up and runs Zakaz on the demo plant: installs, creates the demo plant in ./data (once),
# builds and publishes the analytics once (snapshot -> pricing -> dbt marts), then starts the
# app and Dagster with `zakaz up` (Ctrl-C stops everything it started).
# Extra arguments go to `zakaz init --demo` (e.g. --scale 10).
# ZAKAZ_PORT / ZAKAZ_DAGSTER_PORT change the ports (8501 / 3000).
source "$(dirname "$0")/bootstrap.sh"
export ZAKAZ_HOME="${ZAKAZ_HOME:-$PWD/data}"
if [ ! -f "$ZAKAZ_HOME/app.duckdb" ]; then
    .venv/bin/zakaz init --demo "$@"
    .venv/bin/zakaz run
else
    echo "==> demo plant already exists in $ZAKAZ_HOME (delete the folder to start afresh)"
fi
.venv/bin/zakaz status
exec .venv/bin/zakaz up --port "${ZAKAZ_PORT:-8501}" --dagster-port "${ZAKAZ_DAGSTER_PORT:-3000}"
