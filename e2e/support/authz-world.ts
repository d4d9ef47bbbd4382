// The tenants and objects the authorization matrix (e2e/test/authz-matrix.test.ts, issue 18 items 4
// and 5) runs against, made through the gateway as clients would (as scripts/seed-demo.js does):
// an admin, two resellers with two customers each, a runner, and of every object kind one per owner
// that can own it, each carrying a planted marker so its bytes can be looked for in other answers.
import { randomBytes, randomUUID } from 'node:crypto';
import { createAdminKey, type Stack } from './stack';

/** Who calls: the admin, resellers A and B, their customers A1, A2, B1, B2, customer A1's runner, no credential. */
export const ROLES = ['admin', 'rA', 'rB', 'cA1', 'cA2', 'cB1', 'cB2', 'runner', 'anonymous'] as const;
export type Role = (typeof ROLES)[number];
/** Who owns an object: the platform (admin-made), a reseller, a customer, or the runner. */
export type Owner = 'platform' | 'rA' | 'rB' | 'cA1' | 'cA2' | 'cB1' | 'cB2' | 'runner';

export const RESELLERS = ['rA', 'rB'] as const;
export const CUSTOMERS = ['cA1', 'cA2', 'cB1', 'cB2'] as const;
type ResellerRole = (typeof RESELLERS)[number];
type CustomerRole = (typeof CUSTOMERS)[number];
const resellerOf = (customer: CustomerRole): ResellerRole => (customer.startsWith('cA') ? 'rA' : 'rB');

/** Whether `role` is the owner or above it (the admin over everything, a reseller over its customers). */
export function isRelated(role: Role, owner: Owner): boolean {
  if (role === 'admin') return true;
  if (role === owner) return true;
  if ((CUSTOMERS as readonly string[]).includes(owner)) return role === resellerOf(owner as CustomerRole);
  return false;
}

export interface WorldObject {
  /** the path parameter's value */
  id: string;
  owner: Owner;
  /** values only this object carries (its id and planted names), looked for in every foreign answer */
  markers: string[];
  /** what the owner saw when reading it */
  extra?: Record<string, string>;
}

export const OBJECT_KINDS = [
  'reseller',
  'customer',
  'project',
  'apiKey',
  'provider',
  'offering',
  'relationship',
  'order',
  'wallet',
  'hold',
  'priceList',
  'commission',
  'payoutMethod',
  'payout',
  'invoice',
  'registrationToken',
  'runner',
  'job',
  'runnerJob',
  'feedItem',
  'webhookEndpoint',
  'webhookDelivery',
  'referralCode',
] as const;
export type ObjectKind = (typeof OBJECT_KINDS)[number];

export interface World {
  stack: Stack;
  /** an unscoped credential per role (anonymous: none) */
  credentials: Record<Role, string | undefined>;
  /** per role that holds an API key: a key whose only scope is `account:read`, and one whose only scope is `feed:read` */
  narrowKeys: Record<'admin' | ResellerRole | CustomerRole, { accountOnly: string; feedOnly: string }>;
  objects: Record<ObjectKind, WorldObject[]>;
  /** counts of the requests that built the world */
  setupRequests: number;
}

export interface Answer {
  status: number;
  text: string;
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- answers of many shapes, read field by field
}

export async function call(stack: Stack, method: string, route: string, credential: string | undefined, body?: unknown): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (credential !== undefined) headers.authorization = `Bearer ${credential}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method === 'POST') headers['idempotency-key'] = randomUUID();
  const res = await fetch(`${stack.gatewayUrl}${route}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json };
}

/** Polls `probe` until it returns a value (not undefined), or fails after `timeoutMs`. */
async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

export async function buildWorld(stack: Stack): Promise<World> {
  let requests = 0;
  const api = async (method: string, route: string, credential: string | undefined, body?: unknown, expected = [200, 201]): Promise<Answer['json']> => {
    requests += 1;
    const answer = await call(stack, method, route, credential, body);
    if (!expected.includes(answer.status)) throw new Error(`${method} ${route}: ${answer.status} ${answer.text.slice(0, 400)}`);
    return answer.json;
  };
  const run = randomBytes(4).toString('hex');
  const mark = (what: string) => `${what}-${run}-${randomBytes(3).toString('hex')}`;
  const objects = Object.fromEntries(OBJECT_KINDS.map((kind) => [kind, [] as WorldObject[]])) as Record<ObjectKind, WorldObject[]>;
  const add = (kind: ObjectKind, id: string, owner: Owner, ...planted: string[]) => objects[kind].push({ id, owner, markers: [id, ...planted] });

  const admin = createAdminKey(stack);
  const credentials = { admin } as Record<Role, string | undefined>;
  const ids = {} as Record<ResellerRole | CustomerRole, string>;
  const runnerTokens = {} as Record<CustomerRole, string>;

  // Tenants: two resellers, two customers of each, a key for each (and a second key, the api-key object).
  const apiKeyOf = async (creator: string, ownerType: string, ownerId: string | undefined, name: string, scopes?: string[]) =>
    api('POST', '/v1/api-keys', creator, { name, ...(ownerId ? { ownerType, ownerId } : {}), ...(scopes ? { scopes } : {}) });
  const adminVictim = mark('admin-key');
  add('apiKey', (await apiKeyOf(admin, 'admin', undefined, adminVictim)).id, 'platform', adminVictim);
  for (const reseller of RESELLERS) {
    const name = mark(`reseller-${reseller}`);
    const created = await api('POST', '/v1/resellers', admin, { name, email: `${name}@authz.example`, commissionRateBps: 2000 });
    ids[reseller] = created.id;
    add('reseller', created.id, reseller, name, `${name}@authz.example`);
    credentials[reseller] = (await apiKeyOf(admin, 'reseller', created.id, `${reseller} key`)).key;
  }
  for (const customer of CUSTOMERS) {
    const name = mark(`customer-${customer}`);
    const created = await api('POST', '/v1/customers', credentials[resellerOf(customer)], { name, email: `${name}@authz.example` });
    ids[customer] = created.id;
    add('customer', created.id, customer, name, `${name}@authz.example`);
    credentials[customer] = (await apiKeyOf(credentials[resellerOf(customer)]!, 'customer', created.id, `${customer} key`)).key;
  }
  const narrowKeys = {} as World['narrowKeys'];
  for (const role of ['admin', ...RESELLERS, ...CUSTOMERS] as const) {
    const key = credentials[role]!;
    const victim = mark(`${role}-key`);
    if (role !== 'admin') add('apiKey', (await apiKeyOf(key, '', undefined, victim)).id, role, victim);
    narrowKeys[role] = {
      accountOnly: (await apiKeyOf(key, '', undefined, `${role} account-only`, ['account:read'])).key,
      feedOnly: (await apiKeyOf(key, '', undefined, `${role} feed-only`, ['feed:read'])).key,
    };
  }

  // Catalogue: one provider and offering (the platform's), each reseller reselling it.
  const providerName = mark('provider');
  const provider = await api('POST', '/v1/providers', admin, { name: providerName, description: providerName });
  add('provider', provider.id, 'platform', providerName);
  const offeringName = mark('offering');
  const offering = await api('POST', `/v1/providers/${provider.id}/offerings`, admin, { name: offeringName, basePrice: '1000.00', currency: 'EUR', unit: 'month' });
  add('offering', offering.id, 'platform', offeringName);
  for (const reseller of RESELLERS) {
    const relationship = await api('POST', '/v1/relationships', admin, { resellerId: ids[reseller], providerId: provider.id, commissionBps: 1250 });
    add('relationship', relationship.id, reseller);
  }

  // Money: a price for the job type, every customer's wallet funded (by its reseller).
  const jobType = `render-${run}`;
  await api('POST', '/v1/price-lists', admin, { jobType, unit: 'run', unitPrice: '1.00', currency: 'EUR' });
  add('priceList', jobType, 'platform');
  for (const customer of CUSTOMERS) {
    const wallet = await eventually(`${customer}'s wallet`, async () => (await api('GET', '/v1/wallets', credentials[customer]!)).items?.[0]);
    add('wallet', wallet.id, customer);
    await api('POST', `/v1/wallets/${wallet.id}/credits`, credentials[resellerOf(customer)]!, { amount: '5000.00', currency: 'EUR', reason: 'authz matrix' });
  }

  // Projects, orders (paid from the wallet, then fulfilled: a commission for the reseller), jobs (a hold each).
  for (const customer of CUSTOMERS) {
    const key = credentials[customer]!;
    const projectName = mark(`project-${customer}`);
    const project = await api('POST', '/v1/projects', key, { name: projectName });
    add('project', project.id, customer, projectName);
    const order = await api('POST', '/v1/orders', key, { offeringId: offering.id, quantity: 1 });
    add('order', order.id, customer);
    const tokenName = mark(`registration-${customer}`);
    const token = await api('POST', '/v1/registration-tokens', key, { description: tokenName, maxUses: 5 });
    add('registrationToken', token.id, customer, tokenName);
    const runnerName = mark(`runner-${customer}`);
    const runner = await api('POST', '/v1/runners', token.token, { name: runnerName, jobTypes: [jobType], capacity: 1, version: '1.0.0' });
    add('runner', runner.id, customer, runnerName);
    runnerTokens[customer] = runner.token;
    if (customer === 'cA1') credentials.runner = runner.token;
    // a job needs an online runner of its type: its customer's own
    const job = await api('POST', '/v1/jobs', key, { projectId: project.id, type: jobType, payload: { scene: mark(`job-${customer}`) }, maxCost: { amount: '2.00', currency: 'EUR' } });
    add('job', job.id, customer, job.payload?.scene ?? '');
  }
  // The runner (A1's) claims A1's job, B1's runner claims B1's: for the runner API, the runner owns
  // the first; the second is assigned to another runner; A2's and B2's are queued, assigned to none.
  for (const customer of CUSTOMERS) {
    const job = objects.job.find((j) => j.owner === customer)!;
    const claims = customer === 'cA1' || customer === 'cB1';
    if (claims) {
      await eventually(`${customer}'s runner claims its job`, async () => {
        requests += 1;
        const claim = await call(stack, 'POST', '/v1/runners/me/jobs/claim', runnerTokens[customer], { waitSeconds: 1 });
        if (claim.status !== 200 && claim.status !== 204) throw new Error(`claim: ${claim.status} ${claim.text}`);
        return claim.status === 200 ? (claim.json.id === job.id ? true : Promise.reject(new Error(`claimed ${claim.json.id}`))) : undefined;
      });
    } else {
      await eventually(`${customer}'s job queued`, async () => ((await api('GET', `/v1/jobs/${job.id}`, admin)).status === 'queued' ? true : undefined));
    }
    objects.runnerJob.push({ ...job, owner: customer === 'cA1' ? 'runner' : customer });
  }
  const sharedName = mark('registration-shared');
  add('registrationToken', (await api('POST', '/v1/registration-tokens', admin, { description: sharedName })).id, 'platform', sharedName);

  for (const order of objects.order) {
    await eventually(`order ${order.id} paid`, async () => ((await api('GET', `/v1/orders/${order.id}`, admin)).status === 'paid' ? true : undefined));
    await api('POST', `/v1/orders/${order.id}/fulfil`, admin, { externalOrderId: mark('external'), details: {} });
  }
  for (const customer of CUSTOMERS) {
    const key = credentials[customer]!;
    const hold = await eventually(`${customer}'s hold`, async () => (await api('GET', '/v1/holds', key)).items?.[0]);
    add('hold', hold.id, customer);
    const charge = await eventually(`${customer}'s order charge`, async () => {
      const entries = (await api('GET', `/v1/wallets/${objects.wallet.find((w) => w.owner === customer)!.id}/transactions?type=charge`, key)).items;
      return entries?.[0];
    });
    objects.wallet.find((w) => w.owner === customer)!.extra = { chargeId: charge.id };
  }

  // Earnings: each reseller's commissions approved, a payout method, a payout and a commission invoice.
  for (const reseller of RESELLERS) {
    const key = credentials[reseller]!;
    const commissions = await eventually(`${reseller}'s commissions`, async () => {
      const items = (await api('GET', '/v1/commissions', key)).items;
      return items?.length === 2 ? items : undefined;
    });
    for (const commission of commissions) {
      await api('POST', `/v1/commissions/${commission.id}/approve`, admin);
      add('commission', commission.id, reseller);
    }
    const earnings = (await api('GET', '/v1/wallets?ownerType=reseller', key)).items?.[0];
    if (!earnings) throw new Error(`${reseller} has no earnings wallet`);
    add('wallet', earnings.id, reseller);
    objects.wallet[objects.wallet.length - 1]!.extra = { chargeId: objects.wallet[0]!.extra!.chargeId! };
    const holder = mark(`holder-${reseller}`);
    const method = await api('POST', '/v1/payout-methods', key, { kind: 'bank_transfer', accountHolder: holder, iban: 'DE89370400440532013000', label: holder });
    add('payoutMethod', method.id, reseller, holder);
    const invoice = await api('POST', '/v1/invoices', key, { kind: 'commission' });
    add('invoice', invoice.id, reseller);
    const payout = await api('POST', '/v1/payouts', key, { amount: '50.00', methodId: method.id });
    add('payout', payout.id, reseller);
  }

  // Referral codes (issue 19): one per reseller, its label marked.
  for (const reseller of RESELLERS) {
    const label = mark(`referral-${reseller}`);
    const code = await api('POST', '/v1/resellers/me/referral-codes', credentials[reseller]!, { label });
    add('referralCode', code.id, reseller, label, code.code);
  }

  // Feed items: every reseller's and customer's first one (its wallet credit, orders, commissions…).
  for (const role of [...RESELLERS, ...CUSTOMERS]) {
    const item = await eventually(`a feed item of ${role}`, async () => (await api('GET', '/v1/feed', credentials[role]!)).items?.[0]);
    add('feedItem', item.id, role);
  }
  // Webhooks (an account's own, resellers' and customers'): an endpoint and the delivery of its test
  // event, then the endpoint disabled — its delivery failed, so neither changes while the matrix runs.
  for (const role of [...RESELLERS, ...CUSTOMERS]) {
    const key = credentials[role]!;
    const url = `https://${mark(`hooks-${role}`)}.authz.example/runfleet`;
    const description = mark(`endpoint-${role}`);
    const endpoint = await api('POST', '/v1/webhook-endpoints', key, { url, eventTypes: ['job.*'], description });
    add('webhookEndpoint', endpoint.id, role, url, description, endpoint.secret);
    const delivery = await api('POST', `/v1/webhook-endpoints/${endpoint.id}/test`, key, {}, [202]);
    add('webhookDelivery', delivery.id, role);
    objects.webhookEndpoint[objects.webhookEndpoint.length - 1]!.extra = { since: new Date(Date.now() - 3_600_000).toISOString() };
    await api('PATCH', `/v1/webhook-endpoints/${endpoint.id}`, key, { enabled: false });
    await eventually(`${role}'s test delivery failed`, async () => ((await api('GET', `/v1/webhook-deliveries/${delivery.id}`, key)).status === 'failed' ? true : undefined));
  }
  credentials.anonymous = undefined;
  return { stack, credentials, narrowKeys, objects, setupRequests: requests };
}
