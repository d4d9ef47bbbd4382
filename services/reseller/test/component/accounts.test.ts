// People's accounts end to end through the reseller's HTTP API (issue 19): sign-up, email
// verification, sign-in, sessions for the gateway, sign-out, and the answers that must not tell
// whether an email exists.
import request from 'supertest';
import { API_SCOPES } from '@runfleet/contracts';
import { createWorld, outboxEvents, type World } from '../support/world';
import { logIn, mailedToken, publicPost, sessionPrincipal, signUpVerified, STRONG_PASSWORD, verifySession } from '../support/accounts';

let world: World;

beforeAll(async () => {
  world = await createWorld('reseller_accounts');
});

afterAll(async () => {
  await world?.close();
});

describe('signing up', () => {
  it('creates a direct customer and its user, and mails a verification link whose token is sealed, never in clear', async () => {
    const res = await publicPost(world, '/v1/auth/signup', { email: 'Ada@Example.com', password: STRONG_PASSWORD, name: 'Ada Lovelace' });

    expect(res.status).toBe(202);
    expect(res.body).toEqual({ status: 'verification_sent' });
    const [registered] = (await outboxEvents(world.prisma, 'user.registered')).filter((e) => e.email === 'ada@example.com');
    expect(registered).toMatchObject({ role: 'customer', resellerId: null, referralCode: null, name: 'Ada Lovelace' });
    const customer = await world.prisma.customer.findUniqueOrThrow({ where: { id: String(registered?.customerId) } });
    expect(customer).toMatchObject({ resellerId: null, email: 'ada@example.com', currency: 'EUR' });
    expect((await outboxEvents(world.prisma, 'customer.created')).some((e) => e.customerId === customer.id)).toBe(true);
    const token = await mailedToken(world, 'user.email_verification_requested', 'ada@example.com');
    const rows = await world.prisma.$queryRawUnsafe<unknown[]>(
      `SELECT (SELECT json_agg(t)::text FROM user_token t) || (SELECT json_agg(u)::text FROM app_user u) || (SELECT json_agg(o.envelope)::text FROM outbox_event o) AS dump`,
    );
    const dump = JSON.stringify(rows);
    expect(dump).not.toContain(token);
    expect(dump).not.toContain(STRONG_PASSWORD);
  });

  it('refuses a weak password with 422 naming body.password, and writes nothing', async () => {
    const before = await world.count('app_user');
    for (const password of ['short-1A', 'passwordpassword', 'weakling@example.com1']) {
      const res = await publicPost(world, '/v1/auth/signup', { email: 'weakling@example.com', password, name: 'Weak' });
      expect(res.status).toBe(422);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body).toMatchObject({ code: 'PASSWORD_TOO_WEAK', errors: [{ field: 'body.password' }] });
    }
    expect(await world.count('app_user')).toBe(before);
  });

  it('answers a sign-up with a registered email exactly like a new one', async () => {
    const first = await publicPost(world, '/v1/auth/signup', { email: 'twice@example.com', password: STRONG_PASSWORD, name: 'First' });
    const users = await world.count('app_user');
    const again = await publicPost(world, '/v1/auth/signup', { email: 'twice@example.com', password: STRONG_PASSWORD, name: 'Second' });

    expect([again.status, again.body]).toEqual([first.status, first.body]);
    expect(await world.count('app_user')).toBe(users);
  });

  it('names the field of bad input with 400, never 500', async () => {
    const res = await publicPost(world, '/v1/auth/signup', { email: 'not-an-email', password: STRONG_PASSWORD });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['body.email', 'body.name']);
  });
});

describe('verifying the email', () => {
  it('lets the link work once, and only then lets the user sign in', async () => {
    await publicPost(world, '/v1/auth/signup', { email: 'once@example.com', password: STRONG_PASSWORD, name: 'Once' });
    const token = await mailedToken(world, 'user.email_verification_requested', 'once@example.com');

    const early = await publicPost(world, '/v1/auth/login', { email: 'once@example.com', password: STRONG_PASSWORD });
    expect(early.status).toBe(403);
    expect(early.body.code).toBe('AUTH_EMAIL_NOT_VERIFIED');

    expect((await publicPost(world, '/v1/auth/email-verification', { token })).status).toBe(204);
    const replay = await publicPost(world, '/v1/auth/email-verification', { token });
    expect(replay.status).toBe(400);
    expect(replay.body).toMatchObject({ code: 'AUTH_TOKEN_INVALID', errors: [{ field: 'body.token' }] });
    expect((await publicPost(world, '/v1/auth/login', { email: 'once@example.com', password: STRONG_PASSWORD })).status).toBe(200);
  });

  it('refuses a link older than 30 minutes', async () => {
    await publicPost(world, '/v1/auth/signup', { email: 'late@example.com', password: STRONG_PASSWORD, name: 'Late' });
    const token = await mailedToken(world, 'user.email_verification_requested', 'late@example.com');
    world.clock.advance(31 * 60_000);
    try {
      expect((await publicPost(world, '/v1/auth/email-verification', { token })).status).toBe(400);
    } finally {
      world.clock.advance(-31 * 60_000);
    }
  });
});

describe('signing in', () => {
  it('gives a session token the gateway verifies into the user’s principal, with every scope, userId and sessionId', async () => {
    await signUpVerified(world, 'session@example.com');
    const signedIn = await logIn(world, 'session@example.com');

    expect(signedIn.token).toMatch(/^rf_ss_[0-9A-Za-z]{12}_[0-9A-Za-z]{43}$/);
    expect(signedIn.user).toMatchObject({ email: 'session@example.com', role: 'customer', emailVerified: true, totpEnabled: false });
    const verified = await verifySession(world, signedIn.token);
    expect(verified.status).toBe(200);
    expect(verified.body).toEqual({
      keyId: expect.any(String),
      principal: {
        type: 'customer',
        id: signedIn.user.customerId,
        resellerId: null,
        scopes: [...API_SCOPES],
        userId: signedIn.user.id,
        sessionId: expect.any(String),
      },
      allowedIps: [],
      rateLimit: null,
      expiresAt: expect.any(String),
    });
    expect(verified.body.principal.sessionId).toBe(verified.body.keyId);
    expect(Date.parse(verified.body.expiresAt) - Date.now()).toBeLessThanOrEqual(30 * 60_000 + 1000);
    const me = await world.as(verified.body.principal).get('/v1/auth/me');
    expect(me.status).toBe(200);
    expect(me.body).toEqual(signedIn.user);
  });

  it('answers an unknown email, a wrong password and a malformed email with one status and body', async () => {
    await signUpVerified(world, 'known@example.com');
    const answers = await Promise.all(
      [
        { email: 'nobody@example.com', password: STRONG_PASSWORD },
        { email: 'known@example.com', password: 'wrong-password-entirely' },
        { email: 'no-at-sign', password: STRONG_PASSWORD },
      ].map((body) => publicPost(world, '/v1/auth/login', body)),
    );
    const withoutCorrelation = ({ correlationId: _id, ...body }: Record<string, unknown>) => body;
    for (const res of answers) {
      expect(res.status).toBe(401);
      expect(withoutCorrelation(res.body)).toEqual(withoutCorrelation(answers[0]?.body));
    }
    expect(answers[0]?.body.code).toBe('AUTH_LOGIN_FAILED');
  });

  it('refuses an unknown email with the same write as a wrong password, so the time does not tell them apart', async () => {
    await signUpVerified(world, 'timed@example.com');
    const transactions = jest.spyOn(world.prisma, '$transaction');
    try {
      const transactionsOf = async (body: object) => {
        transactions.mockClear();
        expect((await publicPost(world, '/v1/auth/login', body)).status).toBe(401);
        return transactions.mock.calls.length;
      };
      const wrongPassword = await transactionsOf({ email: 'timed@example.com', password: 'wrong-password-entirely' });
      expect(wrongPassword).toBe(1);
      expect(await transactionsOf({ email: 'nobody-at-all@example.com', password: STRONG_PASSWORD })).toBe(wrongPassword);
    } finally {
      transactions.mockRestore();
    }
  });

  it('answers a password reset request for an unknown email like a known one', async () => {
    await signUpVerified(world, 'resetme@example.com');
    const known = await publicPost(world, '/v1/auth/password-reset', { email: 'resetme@example.com' });
    const unknown = await publicPost(world, '/v1/auth/password-reset', { email: 'ghost@example.com' });
    expect([unknown.status, unknown.text]).toEqual([known.status, known.text]);
    expect(known.status).toBe(202);
  });

  it('refuses an API key principal on session routes with 403 AUTH_SESSION_REQUIRED', async () => {
    const res = await world.as('customerA').get('/v1/auth/me');
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('AUTH_SESSION_REQUIRED');
  });

  it('refuses a deactivated customer’s user with 403 AUTH_ACCOUNT_DEACTIVATED, only once the password is right, and creates no session', async () => {
    await signUpVerified(world, 'switched-off@example.com');
    const { user } = await logIn(world, 'switched-off@example.com');
    await world.prisma.customer.update({ where: { id: String(user.customerId) }, data: { active: false } });
    const sessions = await world.count('user_session');

    const refused = await publicPost(world, '/v1/auth/login', { email: 'switched-off@example.com', password: STRONG_PASSWORD });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('AUTH_ACCOUNT_DEACTIVATED');
    const wrong = await publicPost(world, '/v1/auth/login', { email: 'switched-off@example.com', password: 'wrong-password-entirely' });
    expect(wrong.body.code).toBe('AUTH_LOGIN_FAILED');
    expect(await world.count('user_session')).toBe(sessions);

    await world.prisma.customer.update({ where: { id: String(user.customerId) }, data: { active: true } });
    expect((await logIn(world, 'switched-off@example.com')).user.id).toBe(user.id);
  });

  it('lets only the gateway verify sessions', async () => {
    const res = await world.as('admin').post('/internal/sessions/verify', { key: 'rf_ss_x' });
    expect(res.status).toBe(403);
    expect((await request(world.app).post('/internal/sessions/verify').send({ key: 'x' })).status).toBe(401);
  });
});

describe('sessions ending', () => {
  it('signing out revokes the session at once and announces session.revoked', async () => {
    await signUpVerified(world, 'bye@example.com');
    const { token } = await logIn(world, 'bye@example.com');
    const principal = await sessionPrincipal(world, token);

    expect((await world.as(principal).delete('/v1/auth/session')).status).toBe(204);

    const after = await verifySession(world, token);
    expect(after.status).toBe(401);
    expect(after.body.code).toBe('AUTH_KEY_INVALID');
    expect(await outboxEvents(world.prisma, 'session.revoked')).toContainEqual({ keyId: principal.sessionId, userId: principal.userId });
  });

  it('ends a session after 30 idle minutes, and activity keeps it alive', async () => {
    await signUpVerified(world, 'idle@example.com');
    const active = await logIn(world, 'idle@example.com');
    const idle = await logIn(world, 'idle@example.com');
    try {
      world.clock.advance(20 * 60_000);
      expect((await verifySession(world, active.token)).status).toBe(200);
      world.clock.advance(15 * 60_000);
      expect((await verifySession(world, active.token)).status).toBe(200);
      expect((await verifySession(world, idle.token)).status).toBe(401);
    } finally {
      world.clock.advance(-35 * 60_000);
    }
  });

  it('ends a session 12 hours after sign-in however active', async () => {
    await signUpVerified(world, 'absolute@example.com');
    const { token } = await logIn(world, 'absolute@example.com');
    let moved = 0;
    try {
      for (let i = 0; i < 24; i++) {
        world.clock.advance(29 * 60_000);
        moved += 29 * 60_000;
        expect((await verifySession(world, token)).status).toBe(200);
      }
      world.clock.advance(30 * 60_000);
      moved += 30 * 60_000;
      expect((await verifySession(world, token)).status).toBe(401);
    } finally {
      world.clock.advance(-moved);
    }
  });
});
