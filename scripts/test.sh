#!/usr/bin/env bash
# Install everything (incl. Debian's chromium for the browser tests), then run the static checks
# (ruff on the whole tree, mypy on layers/) and the whole suite. Any failure fails the run.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup_env.sh dev
echo "== ruff check ."
.venv/bin/ruff check .
echo "== mypy layers"
.venv/bin/mypy layers
echo "== pytest"
exec .venv/bin/python -m pytest --durations=25 "$@"
