#!/usr/bin/env bash
# Runs the Python client's tests against the standalone server jar (standalone/target/arrowhttp-server.jar).
# There is no PyPI here: a virtual environment is made from the machine's wheel folder
# (ARROWHTTP_WHEELS, /opt/pypi/files by default) and kept under ~/.m2 between runs. Without the
# folder the tests are skipped with a message, unless CI=true, where that is a failure.
set -euo pipefail
cd "$(dirname "$0")"

WHEELS="${ARROWHTTP_WHEELS:-/opt/pypi/files}"
VENV="${ARROWHTTP_PYTHON_VENV:-$HOME/.m2/arrowhttp-python}"
PACKAGES=(pyarrow urllib3 pytest polars pandas duckdb zstandard brotli hatchling editables)

if [ "${ARROWHTTP_PYTHON_SKIP:-false}" = "true" ]; then
  echo "arrowhttp Python client: tests skipped (ARROWHTTP_PYTHON_SKIP=true)"
  exit 0
fi

if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import pyarrow, urllib3, pytest, polars, pandas, duckdb, zstandard, brotli' 2>/dev/null; then
  if ! ls "$WHEELS"/pyarrow-*.whl >/dev/null 2>&1; then
    message="arrowhttp Python client: no wheel folder at $WHEELS (set ARROWHTTP_WHEELS) to make $VENV from"
    if [ "${CI:-}" = "true" ]; then echo "$message: failing under CI=true" >&2; exit 1; fi
    echo "$message: tests skipped"
    exit 0
  fi
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --no-index --find-links "$WHEELS" "${PACKAGES[@]}"
fi

# The package as a user installs it from the repository, editable so the tests see this checkout.
"$VENV/bin/pip" install -q --no-index --find-links "$WHEELS" --no-deps --no-build-isolation -e . >/dev/null
exec "$VENV/bin/python" -m pytest -q -p no:cacheprovider --durations=5 "$@" tests
