#!/usr/bin/env bash
# Set up (first time) and run the Persona Mining workbench with the sample data loaded.
# Extra arguments go to `streamlit run`, e.g. --server.port 8600.
set -euo pipefail
cd "$(dirname "$0")/.."
REQ=requirements.txt
. scripts/_venv.sh
# Compile UMAP's numba kernels into a cache once, so the first discovery in the app is fast.
export NUMBA_CACHE_DIR="${NUMBA_CACHE_DIR:-$HOME/.cache/persona-mining/numba}"
# workbench.py serves app.py with a private key cookie per browser (who owns which project)
exec .venv/bin/python -m streamlit run workbench.py "$@"
