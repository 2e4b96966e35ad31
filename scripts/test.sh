#!/usr/bin/env bash
# Install everything (incl. Debian's chromium for the browser tests) and run the whole suite.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup_env.sh dev
exec .venv/bin/python -m pytest "$@"
