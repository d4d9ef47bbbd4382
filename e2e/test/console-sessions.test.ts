// A person's session through the real stack (issue 19): sign-up answers without revealing anything,
// an unverified address cannot sign in, a verified user (made with the reseller's create-user CLI,
// as the demo seed does) signs in and gets the cookies but never sees the token, reads their account
// with the cookie alone, is refused a write without the CSRF token, signs out, and the cookie is
// worthless from then on. Neither the password nor the session token is in any service's log.
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { createAdminKey, ROOT, startStack, type Stack } from '../support/stack';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack('sessions');
}, 120_000);

afterAll(async () => {
  await stack?.stop();
}, 60_000);

const PASSWORD = 'Lantern-orbit-sturdy-42';

interface Answer {
  status: number;
  text: string;
  body: any;
  setCookies: string[];
}

async function send(method: string, urlPath: string, init: { body?: unknown; headers?: Record<string, string> } = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${stack.gatewayUrl}${urlPath}`, { method, headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) });
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status: res.status, text, body, setCookies: res.headers.getSetCookie() };
}

function cookie(answer: Answer, name: string): { value: string; attributes: string[] } | undefined {
  const header = answer.setCookies.find((c) => c.startsWith(`${name}=`));
  if (header === undefined) return undefined;
  const [pair = '', ...attributes] = header.split(';').map((part) => part.trim());
  return { value: pair.slice(name.length + 1), attributes: attributes.map((a) => a.toLowerCase()) };
}

function createUser(args: string[]): string {
  const result = spawnSync(process.execPath, [path.join(ROOT, 'services/reseller/dist/cli/create-user.js'), ...args], {
    env: { PATH: process.env.PATH, DATABASE_URL: stack.databases.reseller?.url },
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`create-user failed: ${result.stderr}`);
  return result.stdout.trim().split('\n').pop() ?? '';
}

describe('a person’s session through the gateway', () => {
  it('signs up, cannot sign in unverified, signs in verified with cookies only, is refused a write without CSRF, signs out for good', async () => {
    // Sign-up: no credential, the same answer whoever asks.
    const email = `ada-${randomUUID().slice(0, 8)}@customers.example`;
    const signUp = await send('POST', '/v1/auth/signup', { body: { email, password: PASSWORD, name: 'Ada' } });
    expect(signUp.status).toBe(202);
    expect(signUp.body).toEqual({ status: 'verification_sent' });
    const unverified = await send('POST', '/v1/auth/login', { body: { email, password: PASSWORD } });
    expect(unverified.status).toBe(403);
    expect(unverified.body).toMatchObject({ code: 'AUTH_EMAIL_NOT_VERIFIED' });
    expect(unverified.setCookies).toEqual([]);

    // A verified customer user, as an operator (or the demo seed) makes one.
    const adminKey = createAdminKey(stack);
    const customer = await send('POST', '/v1/customers', { headers: { authorization: `Bearer ${adminKey}` }, body: { name: 'Grace Ltd', email: 'ops@grace.example' } });
    expect(customer.status).toBe(201);
    const userEmail = `grace-${randomUUID().slice(0, 8)}@grace.example`;
    createUser(['--email', userEmail, '--password', PASSWORD, '--role', 'customer', '--customer-id', customer.body.id, '--name', 'Grace']);

    // Sign-in: the cookies, never the token.
    const wrong = await send('POST', '/v1/auth/login', { body: { email: userEmail, password: `${PASSWORD}x` } });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toMatchObject({ code: 'AUTH_LOGIN_FAILED' });
    const signIn = await send('POST', '/v1/auth/login', { body: { email: userEmail, password: PASSWORD } });
    expect(signIn.status).toBe(200);
    expect(Object.keys(signIn.body).sort()).toEqual(['csrfToken', 'expiresAt', 'user']);
    expect(signIn.body.user).toMatchObject({ email: userEmail, role: 'customer', customerId: customer.body.id, emailVerified: true });
    expect(signIn.text).not.toContain('rf_ss_');
    const session = cookie(signIn, 'rf_session')!;
    const csrf = cookie(signIn, 'rf_csrf')!;
    expect(session.value).toMatch(/^rf_ss_/);
    expect(session.attributes).toEqual(expect.arrayContaining(['httponly', 'samesite=lax', 'path=/']));
    expect(csrf.value).toBe(signIn.body.csrfToken);
    expect(csrf.attributes).not.toContain('httponly');
    const cookies = `rf_session=${session.value}; rf_csrf=${csrf.value}`;

    // The cookie alone authenticates, as that customer's user.
    const me = await send('GET', '/v1/auth/me', { headers: { cookie: cookies } });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ email: userEmail, customerId: customer.body.id });
    const account = await send('GET', '/v1/me', { headers: { cookie: cookies } });
    expect(account.status).toBe(200);
    expect(account.body).toMatchObject({ type: 'customer' });

    // A write another site could make the browser send: refused, and the session still works.
    const forged = await send('DELETE', '/v1/auth/session', { headers: { cookie: cookies, origin: 'https://evil.example' } });
    expect(forged.status).toBe(403);
    expect(forged.body).toMatchObject({ code: 'AUTH_CSRF_FAILED' });
    expect((await send('GET', '/v1/auth/me', { headers: { cookie: cookies } })).status).toBe(200);

    // Sign-out: both cookies cleared, and the old cookie is worthless at once.
    const signOut = await send('DELETE', '/v1/auth/session', { headers: { cookie: cookies, 'x-csrf-token': csrf.value, origin: stack.gatewayUrl } });
    expect(signOut.status).toBe(204);
    expect(cookie(signOut, 'rf_session')).toMatchObject({ value: '', attributes: expect.arrayContaining(['max-age=0']) });
    expect(cookie(signOut, 'rf_csrf')).toMatchObject({ value: '' });
    const after = await send('GET', '/v1/auth/me', { headers: { cookie: cookies } });
    expect(after.status).toBe(401);

    // Nothing secret in any service's log.
    const lines = stack.allLines().join('\n');
    expect(lines).not.toContain(PASSWORD);
    expect(lines).not.toContain(session.value.slice(session.value.lastIndexOf('_') + 1));
  }, 60_000);
});
