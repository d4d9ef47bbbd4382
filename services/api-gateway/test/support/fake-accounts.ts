// Stands in for the reseller service's side of people's sessions (issue 19) where the gateway's own
// behaviour is under test: sign-in answers `{token, expiresAt, user}` as the contract says,
// /internal/sessions/verify answers the gateway's verifiedCredentialSchema for a live session,
// sign-out ends it, and every /v1 request records the principal the gateway signed. The real
// service is exercised end to end in e2e/test/console-sessions.test.ts.
import { randomBytes, randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import express from 'express';
import { API_SCOPES, PRINCIPAL_HEADER, type Principal } from '@runfleet/contracts';
import { listen, verifyPrincipal } from '@runfleet/service-kit';

export const RIGHT_PASSWORD = 'correct horse battery staple';
/** the one API key the fake knows: a reseller's, for bearer requests beside the sessions */
export const FAKE_API_KEY = `rf_sk_${'K'.repeat(12)}_${'k'.repeat(43)}`;
export const FAKE_RESELLER_ID = randomUUID();

export interface FakeSession {
  token: string;
  sessionId: string;
  userId: string;
  customerId: string;
  revoked: boolean;
}

export interface FakeAccounts {
  url: string;
  /** principals the gateway signed for /v1 requests, in order */
  principals: Principal[];
  /** calls to /internal/sessions/verify */
  verifications: number;
  /** the last sign-in body as it reached the service */
  lastSignIn: Record<string, unknown> | undefined;
  /** headers of the last public request */
  lastPublicHeaders: Record<string, string | string[] | undefined> | undefined;
  sessions: FakeSession[];
  /** minutes from now that a sign-in's (and a verification's) expiresAt lies */
  idleMinutes: number;
  close(): Promise<void>;
}

function sessionToken(): string {
  const base62 = (n: number) => randomBytes(n * 2).toString('base64').replace(/[^0-9A-Za-z]/g, '').slice(0, n);
  return `rf_ss_${base62(12)}_${base62(43)}`;
}

export async function startFakeAccounts(secret: string): Promise<FakeAccounts> {
  const state: Omit<FakeAccounts, 'url' | 'close'> = { principals: [], verifications: 0, lastSignIn: undefined, lastPublicHeaders: undefined, sessions: [], idleMinutes: 30 };
  const expiresAt = () => new Date(Date.now() + state.idleMinutes * 60_000).toISOString();
  const problem = (res: express.Response, status: number, code: string) =>
    res.status(status).type('application/problem+json').json({ type: 'about:blank', title: 'Refused', status, code });
  const principalOf = (req: express.Request): Principal | undefined => {
    const header = req.headers[PRINCIPAL_HEADER];
    if (typeof header !== 'string') return undefined;
    try {
      return verifyPrincipal(header, secret);
    } catch {
      return undefined;
    }
  };

  const app = express();
  app.use(express.json());

  app.post('/v1/auth/login', (req, res) => {
    state.lastSignIn = req.body as Record<string, unknown>;
    state.lastPublicHeaders = req.headers;
    const { email, password } = req.body as { email?: string; password?: string };
    if (password !== RIGHT_PASSWORD || !email) {
      problem(res, 401, 'AUTH_LOGIN_FAILED');
      return;
    }
    const session: FakeSession = { token: sessionToken(), sessionId: randomUUID(), userId: randomUUID(), customerId: randomUUID(), revoked: false };
    state.sessions.push(session);
    res.json({
      token: session.token,
      expiresAt: expiresAt(),
      user: { id: session.userId, email, name: 'Ada', role: 'customer', resellerId: null, customerId: session.customerId, emailVerified: true, totpEnabled: false },
    });
  });

  app.post('/v1/auth/signup', (req, res) => {
    state.lastPublicHeaders = req.headers;
    res.status(202).json({ status: 'verification_sent' });
  });

  app.post('/internal/sessions/verify', (req, res) => {
    state.verifications += 1;
    if (principalOf(req)?.type !== 'service') {
      problem(res, 401, 'AUTH_PRINCIPAL_INVALID');
      return;
    }
    const session = state.sessions.find((s) => s.token === (req.body as { key?: string }).key && !s.revoked);
    if (!session) {
      problem(res, 401, 'AUTH_KEY_INVALID');
      return;
    }
    res.json({
      keyId: session.sessionId,
      principal: { type: 'customer', id: session.customerId, resellerId: null, scopes: [...API_SCOPES], userId: session.userId, sessionId: session.sessionId },
      allowedIps: [],
      rateLimit: null,
      expiresAt: expiresAt(),
    });
  });

  app.post('/internal/api-keys/verify', (req, res) => {
    if (principalOf(req)?.type !== 'service' || (req.body as { key?: string }).key !== FAKE_API_KEY) {
      problem(res, 401, 'AUTH_KEY_INVALID');
      return;
    }
    res.json({ keyId: 'fake-api-key', principal: { type: 'reseller', id: FAKE_RESELLER_ID, resellerId: FAKE_RESELLER_ID, scopes: [] }, allowedIps: [], rateLimit: null, expiresAt: null });
  });

  app.use('/v1', (req, res, next) => {
    const principal = principalOf(req);
    if (!principal) {
      problem(res, 401, 'AUTH_PRINCIPAL_INVALID');
      return;
    }
    state.principals.push(principal);
    next();
  });

  app.delete('/v1/auth/session', (_req, res) => {
    const principal = state.principals.at(-1)!;
    const session = state.sessions.find((s) => s.sessionId === principal.sessionId);
    if (!session) {
      problem(res, 403, 'AUTH_SESSION_REQUIRED');
      return;
    }
    session.revoked = true;
    res.status(204).end();
  });

  // Any other /v1 request: who asked, and what came.
  app.use('/v1', (req, res) => {
    res.json({ method: req.method, principal: state.principals.at(-1), cookie: req.headers.cookie ?? null });
  });

  const server: Server = await listen(app, 0);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  }) as FakeAccounts;
}
