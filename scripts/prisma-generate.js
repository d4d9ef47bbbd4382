#!/usr/bin/env node
// Generates the Prisma clients (services/<s>/src/generated/prisma) without the schema engine.
//
//   node scripts/prisma-generate.js            generate for the service in the current directory
//   node scripts/prisma-generate.js <dir>...   generate for the given service directories
//   node scripts/prisma-generate.js --all      generate for every service that has prisma/schema.prisma
//
// Why: Prisma 7 generates the client in JavaScript, but its CLI still insists on locating a
// schema-engine binary first, and that binary cannot be downloaded here. Pointing
// PRISMA_SCHEMA_ENGINE_BINARY at any existing executable satisfies the check; `generate` never
// runs it. Migrations are hand-written and applied by @runfleet/migrator (see its README).
'use strict';

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');

function serviceDirs(args) {
  if (args.includes('--all')) {
    const servicesDir = path.join(ROOT, 'services');
    return fs
      .readdirSync(servicesDir)
      .map((name) => path.join(servicesDir, name))
      .filter((dir) => fs.existsSync(path.join(dir, 'prisma', 'schema.prisma')))
      .sort();
  }
  const given = args.filter((a) => !a.startsWith('-'));
  return (given.length > 0 ? given : [process.cwd()]).map((dir) => path.resolve(dir));
}

/** The service's own prisma CLI, so each service generates with the version it pins. */
function prismaCli(serviceDir, name) {
  let manifestPath;
  try {
    manifestPath = require.resolve('prisma/package.json', { paths: [serviceDir] });
  } catch {
    throw new Error(`${name}: prisma is not installed in this service (add it as a devDependency, run pnpm install)`);
  }
  const { bin } = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
  return path.join(path.dirname(manifestPath), typeof bin === 'string' ? bin : bin.prisma);
}

function generate(serviceDir) {
  const name = path.relative(ROOT, serviceDir) || serviceDir;
  if (!fs.existsSync(path.join(serviceDir, 'prisma', 'schema.prisma'))) {
    throw new Error(`${name}: no prisma/schema.prisma here`);
  }
  const cli = prismaCli(serviceDir, name);
  const result = spawnSync(process.execPath, [cli, 'generate'], {
    cwd: serviceDir,
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
    env: {
      ...process.env,
      PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY || process.execPath,
      PRISMA_HIDE_UPDATE_MESSAGE: '1',
    },
  });
  if (result.status !== 0) {
    process.stderr.write(result.stdout + result.stderr);
    throw new Error(`${name}: prisma generate failed (exit ${result.status ?? result.signal})`);
  }
  process.stdout.write(`prisma client generated for ${name}\n`);
}

function main() {
  const dirs = serviceDirs(process.argv.slice(2));
  if (dirs.length === 0) throw new Error('no service with prisma/schema.prisma found');
  for (const dir of dirs) generate(dir);
}

try {
  main();
} catch (error) {
  process.stderr.write(`prisma-generate: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
