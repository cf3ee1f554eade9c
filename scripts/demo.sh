#!/usr/bin/env bash
# Sets up and runs Zakaz on the demo plant: installs, creates the demo plant in ./data (once),
# and prints what it made and where.
source "$(dirname "$0")/bootstrap.sh"
export ZAKAZ_HOME="${ZAKAZ_HOME:-$PWD/data}"
if [ ! -f "$ZAKAZ_HOME/app.duckdb" ]; then
    .venv/bin/zakaz init --demo "$@"
else
    echo "==> demo plant already exists in $ZAKAZ_HOME (delete the folder to start afresh)"
fi
.venv/bin/zakaz status
