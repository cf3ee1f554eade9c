#!/usr/bin/env bash
# Runs the whole test suite (extra arguments go to pytest, e.g. scripts/test.sh -k pricing).
source "$(dirname "$0")/bootstrap.sh"
exec .venv/bin/pytest "$@"
