// Accounts made through the gateway with the bootstrap admin key, as a client would: a reseller,
// a customer of it, and keys for both (issue 5's tests use real keys from the reseller service).
import { call } from './gateway-under-test';

export interface Accounts {
  resellerId: string;
  customerId: string;
  resellerKey: string;
  customerKey: string;
  customerKeyId: string;
}

export interface KeyOptions {
  allowedIps?: string[];
  rateLimitPerMinute?: number;
  expiresAt?: string;
}

async function expectStatus(promise: ReturnType<typeof call>, status: number, what: string) {
  const result = await promise;
  if (result.status !== status) throw new Error(`${what}: expected ${status}, got ${result.status} ${result.text}`);
  return result.json();
}

export async function createKey(gateway: string, adminKey: string, owner: { ownerType: string; ownerId: string }, options: KeyOptions = {}): Promise<{ id: string; key: string }> {
  const body = await expectStatus(call(gateway, '/v1/api-keys', { key: adminKey, body: { name: 'test key', ...owner, ...options } }), 201, 'create key');
  return { id: body.id, key: body.key };
}

export async function createAccounts(gateway: string, adminKey: string, tag: string): Promise<Accounts> {
  const reseller = await expectStatus(
    call(gateway, '/v1/resellers', { key: adminKey, body: { name: `Reseller ${tag}`, email: `${tag}@resellers.example`, commissionRateBps: 1000 } }),
    201,
    'create reseller',
  );
  const customer = await expectStatus(
    call(gateway, '/v1/customers', { key: adminKey, body: { name: `Customer ${tag}`, email: `${tag}@customers.example`, resellerId: reseller.id } }),
    201,
    'create customer',
  );
  const resellerKey = await createKey(gateway, adminKey, { ownerType: 'reseller', ownerId: reseller.id });
  const customerKey = await createKey(gateway, adminKey, { ownerType: 'customer', ownerId: customer.id });
  return { resellerId: reseller.id, customerId: customer.id, resellerKey: resellerKey.key, customerKey: customerKey.key, customerKeyId: customerKey.id };
}
