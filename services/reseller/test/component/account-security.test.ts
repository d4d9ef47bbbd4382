// The security rules of people's accounts (issue 19): lockout after 5 failures for 30 minutes (in
// PostgreSQL, so racing sign-ins agree), one-time reset links that end every session, a password
// change that ends the others, TOTP, session revocations published through the outbox, and no
// password or token in any log line.
import { TOTP } from 'otpauth';
import { createLogger } from '@runfleet/service-kit';
import { mailTokenBox } from '../../src/domain/one-time-token';
import { pruneEndedAccountRows } from '../../src/domain/sessions';
import { createWorld, outboxEvents, PRINCIPAL_SECRET, type World } from '../support/world';
import { startBroker, waitFor, type Broker } from '../support/broker';
import {
  logIn,
  mailedToken,
  OTHER_STRONG_PASSWORD,
  publicPost,
  sessionPrincipal,
  signUpVerified,
  STRONG_PASSWORD,
  verifySession,
} from '../support/accounts';

let world: World;
const logLines: string[] = [];

beforeAll(async () => {
  const logger = createLogger({ service: 'reseller', level: 'debug', destination: { write: (line: string) => void logLines.push(line) } });
  world = await createWorld('reseller_account_security', { logger });
}, 60_000);

// argon2id costs tens of milliseconds per sign-in on purpose; some tests sign in a dozen times
jest.setTimeout(30_000);

afterAll(async () => {
  await world?.close();
});

const login = (email: string, password: string, totpCode?: string) => publicPost(world, '/v1/auth/login', { email, password, ...(totpCode ? { totpCode } : {}) });

describe('lockout', () => {
  it('refuses the 6th attempt even with the right password, like a wrong one, mails the lock once, and lets the user in after 30 minutes', async () => {
    const email = await signUpVerified(world, 'locked@example.com');
    for (let i = 0; i < 5; i++) expect((await login(email, `wrong-guess-number-${i}`)).status).toBe(401);

    const sixth = await login(email, STRONG_PASSWORD);
    const wrong = await login(email, 'still-a-wrong-guess');
    expect(sixth.status).toBe(401);
    expect(sixth.body.code).toBe('AUTH_LOGIN_FAILED');
    expect(sixth.body.detail).toBe(wrong.body.detail);
    const locks = (await outboxEvents(world.prisma, 'user.locked_out')).filter((e) => e.email === email);
    expect(locks).toHaveLength(1);

    world.clock.advance(29 * 60_000);
    try {
      expect((await login(email, STRONG_PASSWORD)).status).toBe(401);
      world.clock.advance(2 * 60_000);
      expect((await login(email, STRONG_PASSWORD)).status).toBe(200);
    } finally {
      world.clock.advance(-31 * 60_000);
    }
  });

  it('locks the account when two sign-ins race the 5th failure', async () => {
    const email = await signUpVerified(world, 'race@example.com');
    for (let i = 0; i < 3; i++) await login(email, `wrong-guess-number-${i}`);

    await Promise.all([login(email, 'racing-wrong-one'), login(email, 'racing-wrong-two')]);

    expect((await login(email, STRONG_PASSWORD)).status).toBe(401);
    const row = await world.prisma.appUser.findUniqueOrThrow({ where: { email }, select: { failedLogins: true, lockedUntil: true } });
    expect(row.failedLogins).toBe(5);
    expect(row.lockedUntil).not.toBeNull();
  });

  it('starts counting again after a successful sign-in', async () => {
    const email = await signUpVerified(world, 'recovers@example.com');
    for (let i = 0; i < 4; i++) await login(email, `wrong-guess-number-${i}`);
    expect((await login(email, STRONG_PASSWORD)).status).toBe(200);
    for (let i = 0; i < 4; i++) await login(email, `wrong-guess-number-${i}`);
    expect((await login(email, STRONG_PASSWORD)).status).toBe(200);
  });
});

describe('password reset', () => {
  it('works once, ends every session of the user (verify answers 401 after), and keeps the link for a stronger password when refused', async () => {
    const email = await signUpVerified(world, 'forgetful@example.com');
    const first = await logIn(world, email);
    const second = await logIn(world, email);
    expect((await publicPost(world, '/v1/auth/password-reset', { email })).status).toBe(202);
    const token = await mailedToken(world, 'user.password_reset_requested', email);

    const weak = await publicPost(world, '/v1/auth/password-reset/confirm', { token, password: 'password1234' });
    expect(weak.status).toBe(422);
    expect(weak.body.errors).toEqual([{ field: 'body.password', message: expect.any(String) }]);

    expect((await publicPost(world, '/v1/auth/password-reset/confirm', { token, password: OTHER_STRONG_PASSWORD })).status).toBe(204);
    expect((await verifySession(world, first.token)).status).toBe(401);
    expect((await verifySession(world, second.token)).status).toBe(401);
    expect((await publicPost(world, '/v1/auth/password-reset/confirm', { token, password: STRONG_PASSWORD })).status).toBe(400);
    expect((await login(email, STRONG_PASSWORD)).status).toBe(401);
    expect((await login(email, OTHER_STRONG_PASSWORD)).status).toBe(200);
    expect((await outboxEvents(world.prisma, 'user.password_changed')).some((e) => e.email === email)).toBe(true);
  });

  it('refuses a reset link after 30 minutes', async () => {
    const email = await signUpVerified(world, 'slow-reset@example.com');
    await publicPost(world, '/v1/auth/password-reset', { email });
    const token = await mailedToken(world, 'user.password_reset_requested', email);
    world.clock.advance(30 * 60_000 + 1000);
    try {
      expect((await publicPost(world, '/v1/auth/password-reset/confirm', { token, password: OTHER_STRONG_PASSWORD })).status).toBe(400);
    } finally {
      world.clock.advance(-(30 * 60_000 + 1000));
    }
  });

  it('spends every other reset link of the user once one has set the password', async () => {
    const email = await signUpVerified(world, 'two-links@example.com');
    await publicPost(world, '/v1/auth/password-reset', { email });
    const older = await mailedToken(world, 'user.password_reset_requested', email);
    await publicPost(world, '/v1/auth/password-reset', { email });
    const newer = await mailedToken(world, 'user.password_reset_requested', email);
    expect(newer).not.toBe(older);

    expect((await publicPost(world, '/v1/auth/password-reset/confirm', { token: newer, password: OTHER_STRONG_PASSWORD })).status).toBe(204);
    const replayed = await publicPost(world, '/v1/auth/password-reset/confirm', { token: older, password: STRONG_PASSWORD });
    expect(replayed.status).toBe(400);
    expect((await login(email, OTHER_STRONG_PASSWORD)).status).toBe(200);
  });

  it('does not accept an email verification token as a reset token', async () => {
    await publicPost(world, '/v1/auth/signup', { email: 'mixup@example.com', password: STRONG_PASSWORD, name: 'Mix' });
    const token = await mailedToken(world, 'user.email_verification_requested', 'mixup@example.com');
    expect((await publicPost(world, '/v1/auth/password-reset/confirm', { token, password: OTHER_STRONG_PASSWORD })).status).toBe(400);
  });
});

describe('changing the password', () => {
  it('needs the current password, keeps this session and ends the others', async () => {
    const email = await signUpVerified(world, 'changer@example.com');
    const mine = await logIn(world, email);
    const other = await logIn(world, email);
    const principal = await sessionPrincipal(world, mine.token);

    const wrong = await world.as(principal).post('/v1/auth/password', { currentPassword: 'not-my-password-at-all', password: OTHER_STRONG_PASSWORD });
    expect(wrong.status).toBe(422);
    expect(wrong.body.errors).toEqual([{ field: 'body.currentPassword', message: expect.any(String) }]);
    expect((await world.as(principal).post('/v1/auth/password', { currentPassword: STRONG_PASSWORD, password: OTHER_STRONG_PASSWORD })).status).toBe(204);

    expect((await verifySession(world, mine.token)).status).toBe(200);
    expect((await verifySession(world, other.token)).status).toBe(401);
    expect((await login(email, OTHER_STRONG_PASSWORD)).status).toBe(200);
  });

  it('spends a reset link mailed before the change: it cannot set the password afterwards', async () => {
    const email = await signUpVerified(world, 'changer-with-link@example.com');
    await publicPost(world, '/v1/auth/password-reset', { email });
    const earlier = await mailedToken(world, 'user.password_reset_requested', email);
    const principal = await sessionPrincipal(world, (await logIn(world, email)).token);
    expect((await world.as(principal).post('/v1/auth/password', { currentPassword: STRONG_PASSWORD, password: OTHER_STRONG_PASSWORD })).status).toBe(204);

    expect((await publicPost(world, '/v1/auth/password-reset/confirm', { token: earlier, password: STRONG_PASSWORD })).status).toBe(400);
    expect((await login(email, OTHER_STRONG_PASSWORD)).status).toBe(200);
  });
});

describe('two-factor sign-in', () => {
  it('once confirmed, asks for the code only after the right password, and accepts the current one once', async () => {
    const email = await signUpVerified(world, 'totp@example.com');
    const principal = await sessionPrincipal(world, (await logIn(world, email)).token);
    const setup = await world.as(principal).post('/v1/auth/totp');
    expect(setup.status).toBe(200);
    expect(setup.body.otpauthUrl).toMatch(/^otpauth:\/\/totp\//);
    const totp = new TOTP({ secret: setup.body.secret });
    const code = () => totp.generate({ timestamp: world.clock.now().getTime() });

    expect((await world.as(principal).post('/v1/auth/totp/confirm', { code: code() === '000000' ? '111111' : '000000' })).status).toBe(422);
    expect((await world.as(principal).post('/v1/auth/totp/confirm', { code: code() })).status).toBe(204);
    expect((await world.as(principal).get('/v1/auth/me')).body.totpEnabled).toBe(true);

    const wrongPassword = await login(email, 'wrong-password-here');
    expect(wrongPassword.body.code).toBe('AUTH_LOGIN_FAILED');
    const noCode = await login(email, STRONG_PASSWORD);
    expect([noCode.status, noCode.body.code]).toEqual([401, 'AUTH_TOTP_REQUIRED']);
    // the code that confirmed the set-up is spent: the next step's code signs in, once
    expect((await login(email, STRONG_PASSWORD, code())).body.code).toBe('AUTH_TOTP_REQUIRED');
    world.clock.advance(30_000);
    const next = code();
    expect((await login(email, STRONG_PASSWORD, next)).status).toBe(200);
    const replayed = await login(email, STRONG_PASSWORD, next);
    expect([replayed.status, replayed.body.code]).toEqual([401, 'AUTH_TOTP_REQUIRED']);
    const stored = await world.prisma.appUser.findUniqueOrThrow({ where: { email }, select: { id: true, totpSecret: true } });
    expect(stored.totpSecret).not.toContain(setup.body.secret);
    // sealed under a key of the reseller's own: the account-mail key (which notifications holds) does not open it
    expect(mailTokenBox(PRINCIPAL_SECRET).open(String(stored.totpSecret), `totp:${stored.id}`)).toBeUndefined();
  });
});

describe('revocations on the broker', () => {
  let broker: Broker;

  beforeAll(async () => {
    broker = await startBroker(world, 'reseller_account_security');
  }, 60_000);

  afterAll(async () => {
    await broker?.close();
  });

  it('publishes session.revoked for a signed-out session through the outbox relay', async () => {
    const email = await signUpVerified(world, 'relay@example.com');
    const principal = await sessionPrincipal(world, (await logIn(world, email)).token);
    await world.as(principal).delete('/v1/auth/session');
    await waitFor(() => broker.observed('session.revoked').some((e) => (e.data as { keyId: string }).keyId === principal.sessionId), 'session.revoked reached the exchange');
  });
});

describe('retention', () => {
  it('deletes ended sessions and spent tokens a day after they stopped working, and keeps live ones', async () => {
    const email = await signUpVerified(world, 'retained@example.com');
    const ended = await logIn(world, email);
    await world.as(await sessionPrincipal(world, ended.token)).delete('/v1/auth/session');
    const user = await world.prisma.appUser.findUniqueOrThrow({ where: { email }, select: { id: true } });
    world.clock.advance(25 * 3600_000);
    try {
      const live = await logIn(world, email);
      const pruned = await pruneEndedAccountRows({ prisma: world.prisma, now: world.clock.now });
      expect(pruned.sessions).toBeGreaterThanOrEqual(1);
      expect(await world.prisma.userSession.count({ where: { userId: user.id } })).toBe(1);
      expect(await world.prisma.userToken.count({ where: { userId: user.id } })).toBe(0);
      expect((await verifySession(world, live.token)).status).toBe(200);
    } finally {
      world.clock.advance(-25 * 3600_000);
    }
  });
});

describe('logs', () => {
  it('never hold a password, a session token or a one-time token', async () => {
    const email = await signUpVerified(world, 'logged@example.com');
    const verificationToken = await mailedToken(world, 'user.email_verification_requested', email);
    const { token } = await logIn(world, email);
    await login(email, 'a-wrong-password-value');
    await publicPost(world, '/v1/auth/signup', { email: 'weak-logged@example.com', password: 'weakpass', name: 'W' });
    await publicPost(world, '/v1/auth/password-reset', { email });
    const resetToken = await mailedToken(world, 'user.password_reset_requested', email);
    await publicPost(world, '/v1/auth/password-reset/confirm', { token: resetToken, password: OTHER_STRONG_PASSWORD });
    await verifySession(world, token);
    const sealed = (await outboxEvents(world.prisma, 'user.password_reset_requested')).at(-1)?.sealedToken;
    expect(mailTokenBox(PRINCIPAL_SECRET).open(String(sealed), 'someone-else')).toBeUndefined();

    const all = logLines.join('\n');
    expect(logLines.length).toBeGreaterThan(5);
    for (const secret of [STRONG_PASSWORD, OTHER_STRONG_PASSWORD, 'a-wrong-password-value', 'weakpass', token, verificationToken, resetToken]) {
      expect(all).not.toContain(secret);
    }
  });
});
