#!/usr/bin/env bash
# The whole test suite on a fresh machine: system packages, venv, pytest.
set -euo pipefail
cd "$(dirname "$0")"
scripts/install-system-packages.sh
scripts/venv.sh
. .venv/bin/activate
exec python -m pytest -q -p no:cacheprovider "$@"
