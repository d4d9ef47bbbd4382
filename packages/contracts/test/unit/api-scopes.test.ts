import { readFileSync } from 'node:fs';
import path from 'node:path';
import { API_SCOPES, OPERATION_SCOPES, PROVISIONAL_RESOURCE_SCOPES, requiredScopeOf, scopesBeyond, scopesGrant } from '@runfleet/contracts';

describe('the scope an operation requires', () => {
  it('is found for a concrete path by its template, HEAD as GET', () => {
    expect(requiredScopeOf('POST', '/v1/projects')).toBe('projects:write');
    expect(requiredScopeOf('GET', '/v1/projects/0b6f0c3e-1111-4222-8333-444455556666')).toBe('projects:read');
    expect(requiredScopeOf('HEAD', '/v1/projects')).toBe('projects:read');
    expect(requiredScopeOf('post', '/v1/api-keys/k1/rotate')).toBe('api-keys:write');
    expect(requiredScopeOf('GET', '/v1/resellers/r1/tier')).toBe('resellers:read');
    expect(requiredScopeOf('POST', '/v1/wallets/w1/credits')).toBe('wallets:write');
    expect(requiredScopeOf('GET', '/v1/price-lists/build/versions')).toBe('price-lists:read');
  });

  it('is undefined for an operation nobody declared (the gateway refuses it)', () => {
    expect(requiredScopeOf('PUT', '/v1/projects/p1')).toBeUndefined();
    expect(requiredScopeOf('GET', '/v1/projects/p1/secrets')).toBeUndefined();
    expect(requiredScopeOf('DELETE', '/v1/me')).toBeUndefined();
    expect(requiredScopeOf('GET', '/internal/api-keys/verify')).toBeUndefined();
    // billing is built: its prefixes no longer fall back to the method
    expect(requiredScopeOf('POST', '/v1/wallets/w1/top-ups')).toBeUndefined();
    expect(requiredScopeOf('PUT', '/v1/price-lists/build')).toBeUndefined();
  });

  it('scopes no prefix provisionally by method: every service publishes its operations', () => {
    expect(PROVISIONAL_RESOURCE_SCOPES).toEqual({});
    expect(requiredScopeOf('GET', '/v1/webhook-endpoints/e1')).toBe('webhooks:read');
    expect(requiredScopeOf('POST', '/v1/webhook-endpoints/e1/rotate')).toBeUndefined();
    expect(requiredScopeOf('GET', '/v1/webhook-endpointsx')).toBeUndefined();
  });

  it("declares billing's invoice operations, the PDF by its `.pdf` suffix, and nothing else under /v1/invoices", () => {
    expect(requiredScopeOf('GET', '/v1/invoices/i1.pdf')).toBe('invoices:read');
    expect(requiredScopeOf('GET', '/v1/invoices/i1')).toBe('invoices:read');
    expect(requiredScopeOf('POST', '/v1/invoices/i1/issue')).toBe('invoices:write');
    expect(requiredScopeOf('POST', '/v1/invoices/i1.pdf')).toBeUndefined();
    expect(requiredScopeOf('GET', '/v1/invoices/i1/pdf')).toBeUndefined();
    expect(requiredScopeOf('DELETE', '/v1/invoices/i1')).toBeUndefined();
  });

  it("declares billing's commissions, payouts and earnings one by one (issue 16), `me` before a reseller id", () => {
    expect(requiredScopeOf('GET', '/v1/resellers/me/earnings')).toBe('commissions:read');
    expect(requiredScopeOf('GET', '/v1/resellers/r1/earnings')).toBe('commissions:read');
    expect(requiredScopeOf('GET', '/v1/resellers/r1/tier')).toBe('resellers:read');
    expect(requiredScopeOf('POST', '/v1/payouts')).toBe('payouts:write');
    expect(requiredScopeOf('POST', '/v1/payout-methods')).toBe('payouts:write');
    expect(requiredScopeOf('POST', '/v1/commissions/c1/approve')).toBe('commissions:write');
    // no longer provisional: an operation billing does not publish is refused
    expect(requiredScopeOf('POST', '/v1/payouts/p1/approve')).toBeUndefined();
    expect(requiredScopeOf('DELETE', '/v1/commissions/c1')).toBeUndefined();
  });

  it("declares runner-registry's operations one by one: the runner's own routes before a runner id, and nothing else under its prefixes", () => {
    expect(requiredScopeOf('GET', '/v1/runners/me')).toBe('runners:read');
    expect(requiredScopeOf('POST', '/v1/runners/me/heartbeat')).toBe('runners:write');
    expect(requiredScopeOf('POST', '/v1/runners/me/jobs/claim')).toBe('jobs:write');
    expect(requiredScopeOf('POST', '/v1/runners/0b6f0c3e-1111-4222-8333-444455556666/drain')).toBe('runners:write');
    expect(requiredScopeOf('POST', '/v1/runners')).toBe('runners:register');
    expect(requiredScopeOf('POST', '/v1/jobs/j1/cancel')).toBe('jobs:write');
    expect(requiredScopeOf('GET', '/v1/jobs/j1/output')).toBeUndefined();
    expect(requiredScopeOf('PUT', '/v1/runners/r1')).toBeUndefined();
  });

  it("keeps a registration token's principal (scope runners:register) to registering", () => {
    expect(scopesGrant(['runners:register'], 'runners:register')).toBe(true);
    for (const operation of Object.keys(OPERATION_SCOPES).filter((o) => o !== 'POST /v1/runners')) {
      expect(scopesGrant(['runners:register'], OPERATION_SCOPES[operation]!)).toBe(false);
    }
  });

  it('is always one of the scope set', () => {
    for (const scope of Object.values(OPERATION_SCOPES)) expect(API_SCOPES).toContain(scope);
    for (const { read, write } of Object.values(PROVISIONAL_RESOURCE_SCOPES)) {
      expect(API_SCOPES).toContain(read);
      expect(API_SCOPES).toContain(write);
    }
  });
});

describe("a key's scopes", () => {
  it('grant every scope when empty, and write grants read of the same resource only', () => {
    expect(scopesGrant([], 'resellers:write')).toBe(true);
    expect(scopesGrant(['projects:write'], 'projects:read')).toBe(true);
    expect(scopesGrant(['projects:read'], 'projects:write')).toBe(false);
    expect(scopesGrant(['projects:write'], 'customers:read')).toBe(false);
  });

  it('bound what a key may mint: nothing beyond them, and no unscoped key from a scoped one', () => {
    expect(scopesBeyond([], [])).toEqual([]);
    expect(scopesBeyond(['projects:write'], ['projects:read', 'projects:write'])).toEqual([]);
    expect(scopesBeyond(['projects:read'], ['projects:read', 'orders:read'])).toEqual(['orders:read']);
    expect(scopesBeyond(['projects:read'], [])).toContain('resellers:write');
  });
});

describe('docs/api.md', () => {
  it('lists every operation with the scope the gateway enforces', () => {
    const doc = readFileSync(path.join(__dirname, '../../../../docs/api.md'), 'utf8');
    for (const [operation, scope] of Object.entries(OPERATION_SCOPES)) expect(doc).toContain(`| \`${operation}\` | \`${scope}\` |`);
  });
});
