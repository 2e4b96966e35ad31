#!/usr/bin/env bash
# Install everything the dashboard needs and start it on http://localhost:8501
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup_env.sh
exec .venv/bin/streamlit run app.py --browser.gatherUsageStats false "$@"
