#!/usr/bin/env bash
# One command on a fresh machine: install everything, build the knowledge pack, run the main job on the
# embedded default example. Pass arguments to run socfit with them instead.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if [ $# -gt 0 ]; then exec .venv/bin/socfit "$@"; fi
.venv/bin/socfit data status >/dev/null 2>&1 || .venv/bin/socfit data build
.venv/bin/socfit code "Senior Machine Learning Engineer" \
  --duties "Design and train deep learning models for medical imaging. Write production Python code. Analyze large datasets and present findings to clinicians."
.venv/bin/socfit occupation 15-2051
