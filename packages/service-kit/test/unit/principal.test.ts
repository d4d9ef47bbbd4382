import { AppError, signPrincipal, verifyPrincipal, type Principal } from '../../src';

const SECRET = 's'.repeat(32) + '-principal-secret';
const NOW = 1_800_000_000;
const principal: Principal = { type: 'customer', id: 'cus_1', resellerId: 'res_1', scopes: ['jobs:write'], exp: NOW + 60 };

function failureOf(fn: () => unknown): AppError {
  try {
    fn();
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected the principal to be rejected');
}

describe('signed principal', () => {
  it('is accepted with the secret it was signed with', () => {
    const token = signPrincipal(principal, SECRET);
    expect(token).toMatch(/^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(verifyPrincipal(token, SECRET, NOW)).toEqual(principal);
  });

  it('is rejected when the signature is forged', () => {
    const [v, body] = signPrincipal(principal, SECRET).split('.');
    const forged = `${v}.${body}.${Buffer.alloc(32, 7).toString('base64url')}`;
    const error = failureOf(() => verifyPrincipal(forged, SECRET, NOW));
    expect([error.status, error.code]).toEqual([401, 'AUTH_PRINCIPAL_INVALID']);
  });

  it('is rejected when the body is tampered with (an admin claim)', () => {
    const [v, , sig] = signPrincipal(principal, SECRET).split('.');
    const body = Buffer.from(JSON.stringify({ ...principal, type: 'admin' })).toString('base64url');
    const error = failureOf(() => verifyPrincipal(`${v}.${body}.${sig}`, SECRET, NOW));
    expect([error.status, error.code]).toEqual([401, 'AUTH_PRINCIPAL_INVALID']);
  });

  it('is rejected when signed with another secret', () => {
    const token = signPrincipal(principal, 'another-secret-of-at-least-32-chars!');
    expect(failureOf(() => verifyPrincipal(token, SECRET, NOW)).code).toBe('AUTH_PRINCIPAL_INVALID');
  });

  it('is rejected as expired once exp has passed', () => {
    const token = signPrincipal(principal, SECRET);
    const error = failureOf(() => verifyPrincipal(token, SECRET, NOW + 60));
    expect([error.status, error.code]).toEqual([401, 'AUTH_PRINCIPAL_EXPIRED']);
  });

  it.each([
    ['empty', ''],
    ['not three parts', 'v1.abc'],
    ['unknown version', signPrincipal(principal, SECRET).replace(/^v1/, 'v2')],
    ['garbage', 'not-a-principal-at-all'],
  ])('is rejected when malformed (%s)', (_name, token) => {
    const error = failureOf(() => verifyPrincipal(token, SECRET, NOW));
    expect([error.status, error.code]).toEqual([401, 'AUTH_PRINCIPAL_INVALID']);
  });

  it('is rejected when correctly signed but not a principal', () => {
    // What a leaked secret plus a wrong shape would produce: the schema still guards the body.
    const { createHmac } = jest.requireActual<typeof import('node:crypto')>('node:crypto');
    const body = Buffer.from(JSON.stringify({ type: 'root', id: 'x', exp: NOW + 60 })).toString('base64url');
    const sig = createHmac('sha256', SECRET).update(`v1.${body}`).digest('base64url');
    expect(failureOf(() => verifyPrincipal(`v1.${body}.${sig}`, SECRET, NOW)).code).toBe('AUTH_PRINCIPAL_INVALID');
  });

  it('cannot be signed with a secret shorter than 32 characters', () => {
    expect(() => signPrincipal(principal, 'short')).toThrow(/at least 32/);
  });
});
