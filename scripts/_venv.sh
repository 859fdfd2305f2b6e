# Sourced by run.sh and test.sh: make .venv and install $REQ when it changed.
set -euo pipefail
PY="${PYTHON:-python3}"
if ! command -v "$PY" >/dev/null 2>&1; then
  echo "Python 3.11+ is needed: install it (e.g. 'apt-get install python3 python3-venv') and re-run." >&2
  exit 1
fi
if [ ! -x .venv/bin/python ]; then
  echo "Creating .venv ..." >&2
  "$PY" -m venv .venv
fi
stamp=".venv/.installed-$(cat "$REQ" requirements.txt | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  echo "Installing Python packages from $REQ ..." >&2
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$REQ"
  rm -f .venv/.installed-*
  touch "$stamp"
fi
