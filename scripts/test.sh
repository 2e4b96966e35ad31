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
if [ "$#" -gt 0 ]; then  # a chosen subset: one plain run
    echo "== pytest $*"
    exec .venv/bin/python -m pytest --durations=25 "$@"
fi
# The whole suite in two runs, so it stays well under ten minutes on two cores: the library,
# data and AppTest tests on both cores (pytest-xdist), then the browser tests one at a time
# (one app server and one Chromium for the session; two of each would fight for the cores).
# Both always run; the exit status is the first failure's.
status=0
echo "== pytest: library, data and AppTest (2 workers)"
.venv/bin/python -m pytest --durations=15 -n 2 --ignore=tests/browser || status=$?
echo "== pytest: browser"
.venv/bin/python -m pytest --durations=15 tests/browser || { s=$?; [ "$status" -ne 0 ] || status=$s; }
exit "$status"
