#!/usr/bin/env node
// `npm run seed`: demo data for the Quickstart, made through the gateway as a client would — an
// admin key (the reseller service's bootstrap CLI), a reseller with a key, a customer of it with a
// key and a project, a registration token of that customer and a runner registered with it — then
// prints them with curl examples. Idempotent: what it made is kept
// in .runfleet/demo.json (keys included, so the file is private and git-ignored) and a re-run that
// finds those keys still working prints the same without creating anything.
'use strict';

const crypto = require('node:crypto');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { ROOT, loadSecrets, serviceEnv, serviceUrl } = require('../infra/local-stack');

const GATEWAY = (process.env.GATEWAY_URL || serviceUrl('api-gateway')).replace(/\/$/, '');
const STATE_FILE = path.join(ROOT, '.runfleet', 'demo.json');
const READY_TIMEOUT_MS = 60_000;

const say = (text) => console.error(`[seed] ${text}`);

async function api(method, route, key, body, idempotencyKey) {
  const headers = { authorization: `Bearer ${key}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;
  const response = await fetch(`${GATEWAY}${route}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, json, text };
}

async function expectCreated(promise, what) {
  const result = await promise;
  if (result.status !== 201) throw new Error(`${what}: ${result.status} ${result.text.slice(0, 300)}`);
  return result.json;
}

async function waitForGateway() {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    try {
      const response = await fetch(`${GATEWAY}/health/ready`, { signal: AbortSignal.timeout(3000) });
      if (response.status === 200) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`the gateway at ${GATEWAY} is not ready (GET /health/ready); start Runfleet first (npm start)`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

function readState() {
  try {
    return JSON.parse(fs.readFileSync(STATE_FILE, 'utf8'));
  } catch {
    return null;
  }
}

function writeState(state) {
  fs.mkdirSync(path.dirname(STATE_FILE), { recursive: true });
  fs.writeFileSync(STATE_FILE, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
}

/** True when every key in the saved state still authenticates and its project still exists. */
async function stillValid(state) {
  if (!state?.admin?.key || !state?.reseller?.key || !state?.customer?.key || !state?.customer?.walletId || !state?.project?.id || !state?.runner?.token) return false;
  for (const key of [state.admin.key, state.reseller.key, state.customer.key]) {
    if ((await api('GET', '/v1/me', key)).status !== 200) return false;
  }
  if ((await api('GET', '/v1/runners/me', state.runner.token)).status !== 200) return false;
  return (await api('GET', `/v1/projects/${state.project.id}`, state.customer.key)).status === 200;
}

/** The customer's wallet, once billing has opened it (it hears customer.created through the broker). */
async function customerWallet(key, customerId) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    const result = await api('GET', `/v1/wallets?ownerType=customer&ownerId=${customerId}`, key);
    const wallet = result.status === 200 ? result.json?.items?.[0] : undefined;
    if (wallet) return wallet;
    if (Date.now() > deadline) throw new Error(`the customer's wallet was not opened: ${result.status} ${result.text.slice(0, 300)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** A working admin key: the bootstrap CLI's first key, or (when another admin key already exists) a demo one. */
function mintAdminKey() {
  const cli = path.join(ROOT, 'services/reseller/dist/cli/create-admin-key.js');
  if (!fs.existsSync(cli)) throw new Error(`${path.relative(ROOT, cli)} is missing: build first (npx tsc -b)`);
  const env = { ...process.env, ...serviceEnv('reseller', loadSecrets()) };
  const run = (args) => execFileSync(process.execPath, [cli, ...args], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  const first = run(['--if-none', '--name', 'bootstrap admin']);
  if (first) return first;
  // An admin key exists, but not one this script knows: make a dedicated one for the demo.
  return run(['--name', 'demo admin']);
}

/**
 * One person per role who signs in to the console (issue 19), made verified by the reseller's
 * create-user CLI; each gets a random password, printed once here and kept in the state file.
 */
function createUsers(run, reseller, customer) {
  const cli = path.join(ROOT, 'services/reseller/dist/cli/create-user.js');
  if (!fs.existsSync(cli)) throw new Error(`${path.relative(ROOT, cli)} is missing: build first (npx tsc -b)`);
  const env = { ...process.env, ...serviceEnv('reseller', loadSecrets()) };
  const people = [
    { role: 'admin', name: 'Demo Admin', email: `admin+${run}@demo.runfleet.example`, args: [] },
    { role: 'reseller', name: 'Demo Reseller Staff', email: `staff+${run}@demo.runfleet.example`, args: ['--reseller-id', reseller.id] },
    { role: 'customer', name: 'Demo Customer User', email: `user+${run}@demo.runfleet.example`, args: ['--customer-id', customer.id] },
  ];
  return people.map((person) => {
    const password = `demo-${crypto.randomBytes(12).toString('base64url')}`;
    const args = ['--email', person.email, '--password', password, '--role', person.role, '--name', person.name, ...person.args];
    const id = execFileSync(process.execPath, [cli, ...args], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
    return { id, role: person.role, email: person.email, password };
  });
}

async function seed() {
  const adminKey = mintAdminKey();
  const run = `seed-${Date.now().toString(36)}`;
  const reseller = await expectCreated(
    api('POST', '/v1/resellers', adminKey, { name: 'Demo Reseller', email: `reseller+${run}@demo.runfleet.example`, commissionRateBps: 1500 }, `${run}-reseller`),
    'create the demo reseller',
  );
  const resellerKey = await expectCreated(
    api('POST', '/v1/api-keys', adminKey, { name: 'demo reseller key', ownerType: 'reseller', ownerId: reseller.id }, `${run}-reseller-key`),
    'create the reseller key',
  );
  const customer = await expectCreated(
    api('POST', '/v1/customers', resellerKey.key, { name: 'Demo Customer', email: `customer+${run}@demo.runfleet.example` }, `${run}-customer`),
    'create the demo customer',
  );
  const customerKey = await expectCreated(
    api('POST', '/v1/api-keys', resellerKey.key, { name: 'demo customer key', ownerType: 'customer', ownerId: customer.id }, `${run}-customer-key`),
    'create the customer key',
  );
  const project = await expectCreated(api('POST', '/v1/projects', customerKey.key, { name: 'demo project' }, `${run}-project`), 'create the demo project');
  // The customer's own runner (issue 14): a registration token of the customer, and a runner
  // registered with it through the gateway, as a runner would.
  const registration = await expectCreated(
    api('POST', '/v1/registration-tokens', customerKey.key, { description: 'demo runners', maxUses: 5 }, `${run}-registration-token`),
    'create the registration token',
  );
  const runner = await expectCreated(
    api('POST', '/v1/runners', registration.token, { name: 'demo-runner', jobTypes: ['render'], labels: { gpu: 'none' }, capacity: 2, version: '0.1.0' }),
    'register the demo runner',
  );
  // Money, so the demo job can run: a price for render jobs (the admin's price list) and the
  // customer's wallet — opened by billing when it hears customer.created — credited by the reseller.
  await expectCreated(
    api('POST', '/v1/price-lists', adminKey, { jobType: 'render', unit: 'second', unitPrice: '0.001000', currency: 'EUR' }, `${run}-price-list`),
    'create the render price list',
  );
  const wallet = await customerWallet(resellerKey.key, customer.id);
  await expectCreated(
    api('POST', `/v1/wallets/${wallet.id}/credits`, resellerKey.key, { amount: '100.00', currency: 'EUR', reason: 'demo top-up' }, `${run}-top-up`),
    "credit the customer's wallet",
  );
  const users = createUsers(run, reseller, customer);
  return {
    gateway: GATEWAY,
    users,
    createdAt: new Date().toISOString(),
    admin: { key: adminKey },
    reseller: { id: reseller.id, name: reseller.name, key: resellerKey.key },
    customer: { id: customer.id, name: customer.name, key: customerKey.key, walletId: wallet.id },
    project: { id: project.id, name: project.name },
    registrationToken: { id: registration.id, token: registration.token },
    runner: { id: runner.id, name: runner.name, token: runner.token },
  };
}

function print(state, created) {
  const lines = [
    '',
    created ? 'Runfleet demo data created:' : 'Runfleet demo data (already there, nothing created):',
    `  admin key          ${state.admin.key}`,
    `  reseller           ${state.reseller.name} (${state.reseller.id})`,
    `  reseller key       ${state.reseller.key}`,
    `  customer           ${state.customer.name} (${state.customer.id})`,
    `  customer key       ${state.customer.key}`,
    `  project            ${state.project.name} (${state.project.id})`,
    `  registration token ${state.registrationToken.token}`,
    `  runner             ${state.runner.name} (${state.runner.id})`,
    `  runner token       ${state.runner.token}`,
    `  saved in           ${path.relative(process.cwd(), STATE_FILE) || STATE_FILE}`,
    '',
    `Sign in to the console at ${state.gateway}/console as:`,
    ...state.users.map((user) => `  ${user.role.padEnd(9)} ${user.email}  password ${user.password}`),
    '',
    'Try it through the gateway:',
    '',
    '  # the customer lists its projects',
    `  curl -s -H 'Authorization: Bearer ${state.customer.key}' ${state.gateway}/v1/projects`,
    '',
    '  # the reseller lists its customers',
    `  curl -s -H 'Authorization: Bearer ${state.reseller.key}' ${state.gateway}/v1/customers`,
    '',
    '  # the customer creates a project; repeat it with the same Idempotency-Key and get the same answer back',
    `  curl -s -X POST -H 'Authorization: Bearer ${state.customer.key}' -H 'Content-Type: application/json' -H 'Idempotency-Key: demo-project-2' -d '{"name":"second project"}' ${state.gateway}/v1/projects`,
    '',
    '  # the runner heartbeats, and waits up to 5 s for a job (204: none yet)',
    `  curl -s -X POST -H 'Authorization: Bearer ${state.runner.token}' -H 'Content-Type: application/json' -d '{"version":"0.1.0"}' ${state.gateway}/v1/runners/me/heartbeat`,
    `  curl -s -i -X POST -H 'Authorization: Bearer ${state.runner.token}' -H 'Content-Type: application/json' -d '{"waitSeconds":5}' ${state.gateway}/v1/runners/me/jobs/claim`,
    '',
    '  # the customer submits a render job: pending_funds until billing holds its maximum cost, then queued',
    `  curl -s -X POST -H 'Authorization: Bearer ${state.customer.key}' -H 'Content-Type: application/json' -H 'Idempotency-Key: demo-job-1' -d '{"projectId":"${state.project.id}","type":"render","payload":{"scene":"demo"},"maxCost":{"amount":"1.00","currency":"EUR"}}' ${state.gateway}/v1/jobs`,
    '',
    '  # the runner claims it, starts it and completes it with its usage (JOB_ID from the claim)',
    `  curl -s -X POST -H 'Authorization: Bearer ${state.runner.token}' -H 'Content-Type: application/json' -d '{"waitSeconds":5}' ${state.gateway}/v1/runners/me/jobs/claim`,
    `  curl -s -X POST -H 'Authorization: Bearer ${state.runner.token}' ${state.gateway}/v1/runners/me/jobs/JOB_ID/start`,
    `  curl -s -X POST -H 'Authorization: Bearer ${state.runner.token}' -H 'Content-Type: application/json' -d '{"units":"120","durationMs":120000}' ${state.gateway}/v1/runners/me/jobs/JOB_ID/complete`,
    '',
    '  # the charge on the wallet (0.120000 EUR: 120 s at 0.001), and the feed item that tells the customer',
    `  curl -s -H 'Authorization: Bearer ${state.customer.key}' ${state.gateway}/v1/wallets/${state.customer.walletId}/transactions`,
    `  curl -s -H 'Authorization: Bearer ${state.customer.key}' ${state.gateway}/v1/feed`,
    '',
    "  # the reseller's commission on it, and its dashboard",
    `  curl -s -H 'Authorization: Bearer ${state.reseller.key}' ${state.gateway}/v1/commissions`,
    `  curl -s -H 'Authorization: Bearer ${state.reseller.key}' ${state.gateway}/v1/resellers/me/dashboard`,
    '',
    `API docs: ${state.gateway}/docs`,
    '',
  ];
  console.log(lines.join('\n'));
}

async function main() {
  await waitForGateway();
  const saved = readState();
  // (state saved before the console existed has no users: seed again)
  if (saved && saved.gateway === GATEWAY && Array.isArray(saved.users) && (await stillValid(saved))) {
    print(saved, false);
    return 0;
  }
  if (saved) say('the saved demo data no longer works here (a reset database?); creating it again');
  const state = await seed();
  writeState(state);
  print(state, true);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`[seed] failed: ${error.message}`);
    process.exit(1);
  },
);
