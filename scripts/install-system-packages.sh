#!/usr/bin/env bash
# Debian packages the test suite runs for real: PostgreSQL, Dovecot, Chromium; and g++
# for the compiled classifier kernels.
# Installs only what is missing; needs root (CI runs as root).
set -euo pipefail
need=()
[ -x /usr/lib/postgresql/15/bin/initdb ] || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v dovecot >/dev/null 2>&1 || need+=(dovecot-imapd)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v g++ >/dev/null 2>&1 || need+=(g++)  # the compiled classifier kernels
[ -f "/usr/include/python3.11/Python.h" ] || python3 -c 'import sysconfig,os,sys; sys.exit(not os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")))' || need+=(python3-dev)
command -v systemd-analyze >/dev/null 2>&1 || true
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "missing Debian packages: ${need[*]} (run as root, or: sudo apt-get install -y ${need[*]})" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
# Debian starts no services here; the tests run their own servers on loopback ports.
