#!/usr/bin/env bash
# `npm start`: the whole platform on this machine, without Docker. Checks (and starts) the local
# PostgreSQL, Redis and RabbitMQ, installs and builds the workspace, applies migrations, then runs
# the five services until Ctrl-C. Environment and ports: infra/local-stack.js, docs/operations.md.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# package.json runs this script with `exec`, so this shell is npm's own child and gets the SIGINT
# and SIGTERM npm passes on (`kill -INT <npm's pid>`, not only a terminal's Ctrl-C to the whole
# group). Before the stack runs, one stops the start once the current step is done.
trap 'echo "[runfleet] interrupted before the stack started"; exit 130' INT TERM

bash scripts/ensure-infra.sh
# RUNFLEET_SKIP_BUILD=1: the workspace is built already (tests that start the stack, quick restarts).
if [ "${RUNFLEET_SKIP_BUILD:-}" != "1" ]; then bash scripts/build-workspace.sh; fi
# exec: the supervisor is this same process, so it receives Ctrl-C, SIGINT and SIGTERM itself and
# stops the services gracefully.
# Arguments after `npm start --` go to it: `--replicas N` runs N processes of every backend service.
exec node scripts/run-local-stack.js "$@"
