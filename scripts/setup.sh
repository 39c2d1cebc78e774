#!/usr/bin/env bash
# Install everything socfit needs into .venv at the repo root. Safe to re-run: it skips work already done.
# Python packages come from pinned, hashed requirements; system packages (when a feature needs one) from apt.
set -euo pipefail
cd "$(dirname "$0")/.."

apt_install() {  # Debian/Ubuntu packages, only when apt-get is there
  command -v apt-get >/dev/null 2>&1 || return 1
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "installing system packages: $*" >&2
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "$@" >&2
}

find_python() {
  PY=${PYTHON:-}
  if [ -z "$PY" ]; then
    for c in python3.11 python3; do
      if command -v "$c" >/dev/null 2>&1 && "$c" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then PY=$c; break; fi
    done
  fi
}
find_python
# A fresh Debian 12 / Ubuntu machine may lack Python 3.11 or its venv module (python3.11-venv): install them.
if [ -z "$PY" ] || ! "$PY" -c 'import ensurepip, venv' >/dev/null 2>&1; then
  [ -x .venv/bin/python ] || apt_install python3.11 python3.11-venv || true
  find_python
fi
[ -n "$PY" ] || { echo "socfit needs Python 3.11 (set PYTHON=/path/to/python3.11)" >&2; exit 1; }

# System packages listed in scripts/apt-packages.txt (one per line), installed only when missing.
if [ -s scripts/apt-packages.txt ]; then
  missing=()
  while read -r pkg; do
    [ -z "$pkg" ] || [ "${pkg:0:1}" = "#" ] && continue
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done < scripts/apt-packages.txt
  if [ ${#missing[@]} -gt 0 ]; then
    apt_install "${missing[@]}"
  fi
fi

stamp=.venv/.socfit-installed
want=$(cat requirements*.txt pyproject.toml | sha256sum | cut -c1-32)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x .venv/bin/socfit ]; then
  exit 0
fi
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check --require-hashes -r requirements-pip.txt >&2
.venv/bin/python -m pip install -q --disable-pip-version-check --require-hashes -r requirements.txt >&2
if [ -f requirements-nodeps.txt ]; then
  .venv/bin/python -m pip install -q --disable-pip-version-check --no-deps --require-hashes -r requirements-nodeps.txt >&2
fi
.venv/bin/python -m pip install -q --disable-pip-version-check --no-deps --no-build-isolation -e . >&2
echo "$want" > "$stamp"
echo "socfit installed in .venv" >&2
