#!/usr/bin/env bash
# Runs the whole test suite (extra arguments go to pytest, e.g. scripts/test.sh -k pricing).
# Two workers (pytest-xdist), a test file per worker at a time: most of the suite's time is spent
# waiting on subprocesses (dbt, Dagster, Streamlit, chromium), so two files at once take ~2/3 of
# the time on 2 cores. ZAKAZ_TEST_WORKERS=0 runs everything in one process.
source "$(dirname "$0")/bootstrap.sh"
# Compiled modules are written and reused: the tests start hundreds of Python processes (CLI,
# Dagster, dbt, Streamlit), and where PYTHONDONTWRITEBYTECODE is set each one would compile
# Dagster and dbt again (about 40% more CPU per process start).
unset PYTHONDONTWRITEBYTECODE
workers="${ZAKAZ_TEST_WORKERS:-2}"
if [ "$workers" = "0" ]; then
    exec .venv/bin/pytest "$@"
fi
# --no-loadscope-reorder: keep the collection order (longest files first, tests/conftest.py)
# instead of xdist's order by number of tests per file.
exec .venv/bin/pytest -n "$workers" --dist loadfile --no-loadscope-reorder "$@"
