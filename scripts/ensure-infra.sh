#!/usr/bin/env bash
# Makes sure the local PostgreSQL, Redis and RabbitMQ (with its management API) answer on
# 127.0.0.1, starting any that is installed but stopped; names the package to install otherwise.
#
#   bash scripts/ensure-infra.sh      quiet (one line) when everything is already up
#
# Used by `npm start`, `npm test` and .ci/run. Exits non-zero when something cannot be brought up.
set -uo pipefail

PG_HOST=127.0.0.1 PG_PORT=5432
REDIS_HOST=127.0.0.1 REDIS_PORT=6379
AMQP_HOST=127.0.0.1 AMQP_PORT=5672
RABBIT_MGMT_URL=http://127.0.0.1:15672/api/overview
RABBIT_MGMT_USER=guest:guest

# Bounded waits (seconds): RabbitMQ boots an Erlang VM, so it gets the longest.
PG_TIMEOUT=${ENSURE_INFRA_PG_TIMEOUT:-30}
REDIS_TIMEOUT=${ENSURE_INFRA_REDIS_TIMEOUT:-15}
RABBIT_TIMEOUT=${ENSURE_INFRA_RABBIT_TIMEOUT:-120}

failures=()
started=()

say() { echo "ensure-infra: $*"; }
has() { command -v "$1" >/dev/null 2>&1; }

# A plain TCP probe through bash's /dev/tcp, so no netcat is needed.
tcp_open() { timeout 2 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null; }

# Polls "$@" once a second until it succeeds or $1 seconds have passed.
wait_for() {
  local seconds=$1
  shift
  local deadline=$((SECONDS + seconds))
  until "$@"; do
    if ((SECONDS >= deadline)); then return 1; fi
    sleep 1
  done
}

postgres_up() {
  if has pg_isready; then
    pg_isready -q -h "$PG_HOST" -p "$PG_PORT" -t 2
  else
    tcp_open "$PG_HOST" "$PG_PORT"
  fi
}

redis_up() {
  if has redis-cli; then
    [[ "$(redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" ping 2>/dev/null)" == "PONG" ]]
  else
    tcp_open "$REDIS_HOST" "$REDIS_PORT"
  fi
}

rabbit_up() { tcp_open "$AMQP_HOST" "$AMQP_PORT"; }

# The tests read queues through the management API, so "up" includes it answering.
rabbit_mgmt_up() {
  if has curl; then
    curl -fsS -o /dev/null -m 3 -u "$RABBIT_MGMT_USER" "$RABBIT_MGMT_URL" 2>/dev/null
  else
    node -e '
      const [url, auth] = process.argv.slice(1);
      fetch(url, { headers: { authorization: "Basic " + Buffer.from(auth).toString("base64") }, signal: AbortSignal.timeout(3000) })
        .then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1));
    ' "$RABBIT_MGMT_URL" "$RABBIT_MGMT_USER"
  fi
}

ensure_postgres() {
  postgres_up && return 0
  local version
  version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)
  if ! has pg_ctlcluster || [[ -z "$version" ]]; then
    failures+=("PostgreSQL is not answering on $PG_HOST:$PG_PORT and is not installed: apt-get install postgresql")
    return 1
  fi
  say "starting PostgreSQL $version"
  pg_ctlcluster --skip-systemctl-redirect "$version" main start >/dev/null 2>&1 || true
  if wait_for "$PG_TIMEOUT" postgres_up; then
    started+=(PostgreSQL)
  else
    failures+=("PostgreSQL $version did not answer on $PG_HOST:$PG_PORT within ${PG_TIMEOUT}s (see /var/log/postgresql/)")
    return 1
  fi
}

ensure_redis() {
  redis_up && return 0
  if ! has redis-server; then
    failures+=("Redis is not answering on $REDIS_HOST:$REDIS_PORT and is not installed: apt-get install redis-server")
    return 1
  fi
  say "starting Redis"
  # Nothing on disk: Redis holds rate limits, idempotency records and heartbeats, all rebuildable.
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null 2>&1 || true
  if wait_for "$REDIS_TIMEOUT" redis_up; then
    started+=(Redis)
  else
    failures+=("Redis did not answer on $REDIS_HOST:$REDIS_PORT within ${REDIS_TIMEOUT}s")
    return 1
  fi
}

ensure_rabbitmq() {
  if ! rabbit_up; then
    if ! has rabbitmq-server; then
      failures+=("RabbitMQ is not answering on $AMQP_HOST:$AMQP_PORT and is not installed: apt-get install rabbitmq-server")
      return 1
    fi
    say "starting RabbitMQ (this takes a few seconds)"
    rabbitmq-server -detached >/dev/null 2>&1 || true
    if ! wait_for "$RABBIT_TIMEOUT" rabbit_up; then
      failures+=("RabbitMQ did not answer on $AMQP_HOST:$AMQP_PORT within ${RABBIT_TIMEOUT}s (see /var/log/rabbitmq/)")
      return 1
    fi
    started+=(RabbitMQ)
  fi
  rabbit_mgmt_up && return 0
  if ! has rabbitmq-plugins; then
    failures+=("RabbitMQ's management API is not answering on ${RABBIT_MGMT_URL%/api/*} and rabbitmq-plugins is not installed: apt-get install rabbitmq-server")
    return 1
  fi
  say "enabling rabbitmq_management"
  # Enabling an enabled plugin is a no-op, so this is safe to repeat; it fails only while the
  # node is still booting, which the wait below covers.
  rabbitmq-plugins enable rabbitmq_management >/dev/null 2>&1 ||
    { sleep 3 && rabbitmq-plugins enable rabbitmq_management >/dev/null 2>&1; } || true
  if ! wait_for "$RABBIT_TIMEOUT" rabbit_mgmt_up; then
    failures+=("RabbitMQ's management API did not answer on ${RABBIT_MGMT_URL%/api/*} within ${RABBIT_TIMEOUT}s (try: rabbitmq-plugins enable rabbitmq_management)")
    return 1
  fi
}

# Each check runs even when an earlier one failed, so one run names everything that is missing.
ensure_postgres
ensure_redis
ensure_rabbitmq

if ((${#failures[@]} > 0)); then
  for failure in "${failures[@]}"; do echo "ensure-infra: $failure" >&2; done
  exit 1
fi

if ((${#started[@]} > 0)); then
  say "started ${started[*]}; PostgreSQL, Redis and RabbitMQ are up"
else
  say "PostgreSQL, Redis and RabbitMQ are up"
fi
