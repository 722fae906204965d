#!/usr/bin/env bash
# Install and triage the bundled demo mailbox (Maildir + SQLite, draft mode).
# Prints the triage table and leaves drafts in demo/mailbox/.Drafts/cur/.
# Run it again and nothing is repeated; `scripts/reset-demo.sh` starts over.
set -euo pipefail
cd "$(dirname "$0")"
scripts/venv.sh
. .venv/bin/activate
mqtriage -c config.example.toml db upgrade
mqtriage -c config.example.toml poll
echo
mqtriage -c config.example.toml outbox
echo
echo "Drafts written to demo/mailbox/.Drafts/cur/ — e.g.:"
ls demo/mailbox/.Drafts/cur/ 2>/dev/null | head -3
