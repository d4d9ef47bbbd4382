#!/usr/bin/env bash
# Turns a fresh clone into a built workspace: pnpm (pinned), dependencies from the lockfile,
# the services' Prisma clients, and every package compiled to dist/ by `tsc -b`.
# Shared by scripts/start.sh and scripts/test.sh; quick when nothing changed since the last run.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

PNPM_VERSION=$(node -p "require('./package.json').packageManager.split('@')[1]")

# Corepack fails its signature checks on this machine kind and pnpm 11 needs Node 22, so a
# missing pnpm comes from the npm registry at the version package.json pins. An installed pnpm
# of another version is left alone: pnpm switches itself to the pinned one (packageManager).
if ! pnpm --version >/dev/null 2>&1; then
  echo "build: installing pnpm@$PNPM_VERSION"
  npm install --global --no-fund --no-audit --loglevel=error "pnpm@$PNPM_VERSION"
fi

echo "build: pnpm install"
# confirm-modules-purge=false: without a terminal (CI), pnpm would abort instead of asking.
pnpm install --frozen-lockfile --prefer-offline --reporter=append-only --config.confirm-modules-purge=false

echo "build: prisma generate"
node scripts/prisma-generate.js --all

echo "build: tsc -b"
pnpm exec tsc -b

# The web console (issue 19): type-checked by its own tsconfig (DOM, JSX), bundled by Vite into
# console/dist, which the gateway serves at /console.
echo "build: console"
pnpm --filter @runfleet/console run build
