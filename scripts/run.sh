#!/usr/bin/env bash
# One command on a fresh machine: install everything, build the knowledge pack, run the main job on the
# embedded default example. Pass arguments to run socfit with them instead.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if [ $# -gt 0 ]; then exec .venv/bin/socfit "$@"; fi
.venv/bin/socfit data status >/dev/null 2>&1 || .venv/bin/socfit data build
# The main job: NIW advice for the embedded example profile (text on screen, the full report as Markdown).
.venv/bin/socfit advise docs/examples/ml_engineer_niw.yaml
mkdir -p reports
.venv/bin/socfit advise docs/examples/ml_engineer_niw.yaml --format md -o reports/ml_engineer_niw.md
echo "Full report: reports/ml_engineer_niw.md (also --format html or pdf). Web app: .venv/bin/socfit serve"
