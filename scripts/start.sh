#!/usr/bin/env bash
# `npm start`: the whole platform on this machine, without Docker. Checks (and starts) the local
# PostgreSQL, Redis and RabbitMQ, installs and builds the workspace, applies migrations, then runs
# the five services until Ctrl-C. Environment and ports: infra/local-stack.js, docs/operations.md.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/ensure-infra.sh
bash scripts/build-workspace.sh
# exec: the supervisor receives Ctrl-C and SIGTERM itself and stops the services gracefully.
exec node scripts/run-local-stack.js
