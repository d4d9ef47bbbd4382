#!/usr/bin/env bash
# `npm test`: the whole check, from a fresh clone: local infrastructure up, workspace installed
# and built (which type-checks every package), lint, then every package's jest suite.
# Extra arguments go to jest: `npm test -- services/billing`, `npm test -- -t "hold is rejected"`.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

started_at=$SECONDS
results_file=$(mktemp -t runfleet-jest-XXXXXX.json)
trap 'rm -f "$results_file"' EXIT

finish() {
  echo "npm test: $1 ($((SECONDS - started_at))s)"
  exit "$2"
}

bash scripts/ensure-infra.sh || finish "FAILED: PostgreSQL, Redis or RabbitMQ is not available" 1
# infra/test validates infra/docker-compose.yml with `docker-compose config` (no Docker engine
# needed); Debian's package provides it where it is missing and apt is usable.
if ! command -v docker-compose >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 && [[ $(id -u) -eq 0 ]]; then
  echo "test: installing docker-compose (Debian) to validate the compose file"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q docker-compose >/dev/null 2>&1 || echo "test: could not install docker-compose"
fi
# billing's invoice suites read their PDFs back with pdftotext (Debian's poppler-utils).
if ! command -v pdftotext >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 && [[ $(id -u) -eq 0 ]]; then
  echo "test: installing poppler-utils (Debian) for pdftotext"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q poppler-utils >/dev/null 2>&1 || echo "test: could not install poppler-utils"
fi

# The console's browser tests drive Debian's chromium (playwright-core, no browser download).
bash scripts/ensure-chromium.sh || echo "test: the console's browser tests will fail without chromium"

bash scripts/build-workspace.sh || finish "FAILED: install, Prisma generate or build (tsc -b)" 1

# tsc -b compiles src/; the tests, e2e and benchmarks are type-checked here (swc only strips types).
echo "typecheck: tests"
pnpm exec tsc -p tsconfig.tests.json || finish "FAILED: type errors in tests" 1

# A lint failure fails the run but does not hide the test results: both are reported.
lint_status=0
if [[ -f eslint.config.js ]]; then
  echo "lint: eslint"
  pnpm exec eslint --cache --cache-location node_modules/.cache/eslint/ . || lint_status=1
fi

echo "test: jest"
# --forceExit: a suite that fails by timing out can leave a reconnecting client behind (its close
# never ran); the results are written by then, and the run must end rather than hang CI.
pnpm exec jest --json --outputFile="$results_file" --forceExit "$@"
jest_status=$?

# The closing line counts jest's tests in the plain form any CI reader understands.
summary=$(node -e '
  const fs = require("node:fs");
  try {
    const r = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
    if (r.numRuntimeErrorTestSuites > 0) console.log(`${r.numRuntimeErrorTestSuites} test suite(s) failed to run`);
    const skipped = r.numPendingTests + r.numTodoTests;
    console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed` + (skipped > 0 ? `, ${skipped} skipped` : ""));
  } catch {
    console.log("tests: jest wrote no results");
  }
' "$results_file")

failed=()
((lint_status != 0)) && failed+=(lint)
((jest_status != 0)) && failed+=(jest)
if ((${#failed[@]} > 0)); then
  echo "npm test: FAILED: ${failed[*]} ($((SECONDS - started_at))s)"
else
  echo "npm test: passed ($((SECONDS - started_at))s)"
fi
echo "$summary"
((${#failed[@]} == 0))
