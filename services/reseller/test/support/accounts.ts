// People's accounts in the reseller's component tests (issue 19): sign-up and the mailed tokens as
// notifications would open them, sign-in, and the principal the gateway would sign for a session.
import type { Principal } from '@runfleet/contracts';
import { mailTokenBox } from '../../src/domain/one-time-token';
import { GATEWAY, outboxEvents, PRINCIPAL_SECRET, type World } from './world';

export const STRONG_PASSWORD = 'violet-Ferry-42-lantern';
export const OTHER_STRONG_PASSWORD = 'quartz-Meadow-17-harbour';

const box = mailTokenBox(PRINCIPAL_SECRET);

/** The raw token of the newest mail event of `type` for `email`, opened as notifications would. */
export async function mailedToken(world: World, type: string, email: string): Promise<string> {
  const events = (await outboxEvents(world.prisma, type)).filter((e) => e.email === email);
  const last = events.at(-1);
  if (!last) throw new Error(`no ${type} event for ${email}`);
  const opened = box.open(String(last.sealedToken), String(last.userId));
  if (!opened) throw new Error('the sealed token does not open under the account-mail key');
  return opened.toString('utf8');
}

export const publicPost = (world: World, path: string, body: object) => world.anonymous().post(path).send(body);

/** Signs up and verifies the email; returns the user's email. */
export async function signUpVerified(world: World, email: string, extra: object = {}): Promise<string> {
  const res = await publicPost(world, '/v1/auth/signup', { email, password: STRONG_PASSWORD, name: 'Grace Hopper', ...extra });
  if (res.status !== 202) throw new Error(`signup answered ${res.status}: ${JSON.stringify(res.body)}`);
  const token = await mailedToken(world, 'user.email_verification_requested', email);
  const verified = await publicPost(world, '/v1/auth/email-verification', { token });
  if (verified.status !== 204) throw new Error(`verification answered ${verified.status}`);
  return email;
}

export async function logIn(world: World, email: string, password = STRONG_PASSWORD, totpCode?: string): Promise<{ token: string; expiresAt: string; user: Record<string, unknown> }> {
  const res = await publicPost(world, '/v1/auth/login', { email, password, ...(totpCode ? { totpCode } : {}) });
  if (res.status !== 200) throw new Error(`login answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}

export const verifySession = (world: World, key: string) => world.as(GATEWAY).post('/internal/sessions/verify', { key });

/** The principal the gateway signs for a session token (what a cookie request reaches the service as). */
export async function sessionPrincipal(world: World, token: string): Promise<Omit<Principal, 'exp'>> {
  const res = await verifySession(world, token);
  if (res.status !== 200) throw new Error(`verify answered ${res.status}`);
  return res.body.principal;
}
