#!/usr/bin/env bash
# Put the demo mailbox back as shipped and forget the demo database.
set -euo pipefail
cd "$(dirname "$0")/.."
git checkout -- demo/mailbox
git clean -fdxq demo/mailbox
rm -f mqtriage.db mqtriage.db-wal mqtriage.db-shm
echo "demo reset"
