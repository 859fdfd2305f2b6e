#!/usr/bin/env bash
# Set up (first time) and run the whole test suite, including the real-browser test.
# Extra arguments go to pytest, e.g. -k ingest.
set -euo pipefail
cd "$(dirname "$0")/.."
REQ=requirements-dev.txt
. scripts/_venv.sh
bash scripts/system_deps.sh
export NUMBA_CACHE_DIR="${NUMBA_CACHE_DIR:-$PWD/.venv/numba-cache}"
.venv/bin/python -m pytest "$@"
