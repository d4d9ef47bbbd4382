import { Agent, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'pg';
import request from 'supertest';
import { z } from 'zod';
import { PRINCIPAL_HEADER, problemSchema } from '@runfleet/contracts';
import {
  AppError,
  createHealth,
  createHttpApp,
  createLogger,
  createMetrics,
  listen,
  principalFromRequest,
  signPrincipal,
  validate,
  type Health,
  type HealthCheck,
} from '../../src';
import { memoryDestination } from '../memory-destination';

const SECRET = 'component-test-principal-secret-0123456789';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const createWallet = validate({
  body: z.strictObject({ customerId: z.string().min(1), amount: z.string().regex(/^\d+\.\d{6}$/) }),
  query: z.object({ dryRun: z.enum(['true', 'false']).optional() }),
});
const getWallet = validate({ params: z.object({ walletId: z.string().startsWith('w_') }) });

function buildApp(options: { checks?: HealthCheck[]; principalSecret?: string } = {}) {
  const logs = memoryDestination();
  const logger = createLogger({ service: 'billing', destination: logs });
  const metrics = createMetrics('billing');
  const health = createHealth(options.checks ?? []);
  const app = createHttpApp({
    service: 'billing',
    logger,
    metrics,
    health,
    ...(options.principalSecret ? { principalSecret: options.principalSecret } : {}),
    routes: (router) => {
      router.post('/v1/wallets', createWallet, (req, res) => {
        const { body, query } = createWallet.parsed(req);
        logger.info({ customerId: body.customerId }, 'creating wallet');
        res.status(201).json({ customerId: body.customerId, amount: req.body.amount, dryRun: query.dryRun ?? null });
      });
      router.get('/v1/wallets/:walletId', getWallet, (req, res) => {
        res.json({ walletId: getWallet.parsed(req).params.walletId });
      });
      router.get('/v1/me', (req, res) => {
        res.json(principalFromRequest(req));
      });
      router.get('/v1/missing-wallet', () => {
        throw AppError.notFound('WALLET_NOT_FOUND', 'No wallet w_9.');
      });
      router.get('/v1/bug', async () => {
        throw new Error('secret internals: password=hunter2 at db.ts:42');
      });
      // a query to a PostgreSQL that is not there (nothing listens on port 1): what a restart looks like
      router.get('/v1/database-down', async () => {
        const pool = new Pool({ connectionString: 'postgresql://postgres@127.0.0.1:1/none', connectionTimeoutMillis: 2_000 });
        try {
          await pool.query('SELECT 1');
        } finally {
          await pool.end();
        }
      });
    },
  });
  return { app, logs, metrics, health };
}

function expectProblem(res: request.Response, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(problemSchema.safeParse(res.body).success).toBe(true);
  expect(res.body.code).toBe(code);
  expect(res.body.correlationId).toBe(res.headers['x-correlation-id']);
}

describe('errors as problem+json', () => {
  const { app, logs } = buildApp();

  it('a body with wrong fields is a 400 naming each field', async () => {
    const res = await request(app).post('/v1/wallets?dryRun=maybe').send({ amount: '12.5' });
    expectProblem(res, 400, 'VALIDATION_FAILED');
    expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(
      ['body.amount', 'body.customerId', 'query.dryRun'].sort(),
    );
    expect(res.body.errors).toContainEqual({ field: 'body.customerId', message: 'is required' });
  });

  it('an unknown body field is reported under its own name', async () => {
    const res = await request(app).post('/v1/wallets').send({ customerId: 'c1', amount: '1.000000', resellerId: 'r1' });
    expectProblem(res, 400, 'VALIDATION_FAILED');
    expect(res.body.errors).toEqual([{ field: 'body.resellerId', message: 'is not an allowed field' }]);
  });

  it('invalid path parameters are reported as params.x', async () => {
    const res = await request(app).get('/v1/wallets/nope');
    expectProblem(res, 400, 'VALIDATION_FAILED');
    expect(res.body.errors[0].field).toBe('params.walletId');
  });

  it('a valid request reaches the route with parsed values', async () => {
    const res = await request(app).post('/v1/wallets?dryRun=true').send({ customerId: 'c1', amount: '1.000000' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ customerId: 'c1', amount: '1.000000', dryRun: 'true' });
  });

  it('a body past 1 MB is a 413 REQUEST_TOO_LARGE', async () => {
    const res = await request(app)
      .post('/v1/wallets')
      .set('content-type', 'application/json')
      .send(JSON.stringify({ customerId: 'x'.repeat(1024 * 1024 + 10), amount: '1.000000' }));
    expectProblem(res, 413, 'REQUEST_TOO_LARGE');
  });

  it('malformed JSON is a 400 REQUEST_MALFORMED_JSON on the body field', async () => {
    const res = await request(app).post('/v1/wallets').set('content-type', 'application/json').send('{"customerId": ');
    expectProblem(res, 400, 'REQUEST_MALFORMED_JSON');
    expect(res.body.errors).toEqual([{ field: 'body', message: 'is not valid JSON' }]);
  });

  it('a text/plain, form or untyped body on a route that takes JSON is a 415, not a missing body (issue 12)', async () => {
    const plain = await request(app).post('/v1/wallets').set('content-type', 'text/plain').send('{"customerId":"c","amount":"1.000000"}');
    expectProblem(plain, 415, 'REQUEST_UNSUPPORTED_MEDIA_TYPE');
    expect(plain.body.errors).toEqual([{ field: 'body', message: 'must be sent as application/json' }]);
    const form = await request(app).post('/v1/wallets').type('form').send({ customerId: 'c', amount: '1.000000' });
    expectProblem(form, 415, 'REQUEST_UNSUPPORTED_MEDIA_TYPE');
    const untyped = await request(app).post('/v1/wallets').set('content-type', '').send(Buffer.from('{}'));
    expectProblem(untyped, 415, 'REQUEST_UNSUPPORTED_MEDIA_TYPE');
    // JSON with a charset or a +json type is still JSON; no body at all is still "is required"
    const charset = await request(app).post('/v1/wallets').set('content-type', 'application/json; charset=utf-8').send('{"customerId":"c","amount":"1.000000"}');
    expect(charset.status).toBe(201);
    expectProblem(await request(app).post('/v1/wallets'), 400, 'VALIDATION_FAILED');
  });

  it('a NUL or a lone surrogate in a body, query or path string is a 400 naming the field (issue 12)', async () => {
    const body = await request(app).post('/v1/wallets?dryRun=true').send({ customerId: 'c\u0000', amount: '1.000000' });
    expectProblem(body, 400, 'VALIDATION_FAILED');
    expect(body.body.errors).toEqual([{ field: 'body.customerId', message: 'must not contain a NUL character (\\u0000)' }]);
    const query = await request(app).post('/v1/wallets?dryRun=%00').send({ customerId: 'c', amount: '1.000000' });
    expect(query.body.errors).toEqual([{ field: 'query.dryRun', message: 'must not contain a NUL character (\\u0000)' }]);
    const path = await request(app).get('/v1/wallets/w_%00');
    expectProblem(path, 400, 'VALIDATION_FAILED');
    expect(path.body.errors).toEqual([{ field: 'params.walletId', message: 'must not contain a NUL character (\\u0000)' }]);
    const surrogate = await request(app).post('/v1/wallets').set('content-type', 'application/json').send('{"customerId":"\\udc00x","amount":"1.000000"}');
    expect(surrogate.body.errors).toEqual([{ field: 'body.customerId', message: 'must not contain an unpaired UTF-16 surrogate' }]);
    // a well-paired surrogate (an emoji) is ordinary text
    expect((await request(app).post('/v1/wallets').send({ customerId: 'c\u{1F600}', amount: '1.000000' })).status).toBe(201);
  });

  it('an unknown route is a 404 ROUTE_NOT_FOUND', async () => {
    expectProblem(await request(app).get('/v1/nothing-here'), 404, 'ROUTE_NOT_FOUND');
  });

  it('an AppError thrown by a route keeps its code and status', async () => {
    const res = await request(app).get('/v1/missing-wallet');
    expectProblem(res, 404, 'WALLET_NOT_FOUND');
    expect(res.body.detail).toBe('No wallet w_9.');
  });

  it('an unreachable database is a 503 DATABASE_UNAVAILABLE with Retry-After, not a 500 (a restart is waited out)', async () => {
    const res = await request(app).get('/v1/database-down');
    expectProblem(res, 503, 'DATABASE_UNAVAILABLE');
    expect(res.headers['retry-after']).toBe('2');
    expect(res.text).not.toMatch(/127\.0\.0\.1|ECONNREFUSED/);
  });

  it('a thrown Error is a 500 that leaks neither message nor stack, and is logged with its stack', async () => {
    const res = await request(app).get('/v1/bug');
    expectProblem(res, 500, 'INTERNAL_ERROR');
    expect(res.text).not.toMatch(/hunter2|secret internals|db\.ts/);
    const logged = logs.lines().find((l) => l.code === 'INTERNAL_ERROR');
    expect(logged).toMatchObject({ level: 'error', correlationId: res.headers['x-correlation-id'] });
    expect((logged?.err as { stack?: string }).stack).toContain('secret internals');
  });

  it('a client error is logged at info, never warn: only 5xx are the operator\'s concern (issue 12 item 9)', async () => {
    const res = await request(app).get('/v1/missing-wallet');
    const lines = logs.lines().filter((l) => l.correlationId === res.headers['x-correlation-id']);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.map((l) => l.level)).not.toContain('warn');
    expect(lines.find((l) => l.msg === 'request completed')).toMatchObject({ level: 'info', res: { statusCode: 404 } });
  });

  it('a chunked body past the limit gets a 413, and the next request on the same keep-alive connection succeeds', async () => {
    const server = await listen(app, 0);
    // One keep-alive socket: the second request reuses it unless the first answer said to close it.
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const port = (server.address() as AddressInfo).port;
    const send = (method: string, path: string, body?: Buffer[]) =>
      new Promise<{ status: number; connection: string | undefined }>((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port, method, path, agent, headers: body ? { 'content-type': 'application/json' } : {} }, (res) => {
          res.resume();
          res.once('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection }));
        });
        req.once('error', reject);
        if (body) for (const chunk of body) req.write(chunk);
        req.end();
      });
    try {
      const chunks = Array.from({ length: 40 }, () => Buffer.from(`"${'x'.repeat(32 * 1024)}"`));
      // body-parser reads the rest and drops it, so the connection stays usable (keep-alive is fine).
      expect((await send('POST', '/v1/wallets', chunks)).status).toBe(413);
      expect((await send('GET', '/health/live')).status).toBe(200);
      // A problem answer to a request without a body keeps the connection.
      expect(await send('GET', '/v1/missing-wallet')).toEqual({ status: 404, connection: 'keep-alive' });
    } finally {
      agent.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('does not announce express', async () => {
    const res = await request(app).get('/health/live');
    expect(res.headers['x-powered-by']).toBeUndefined();
  });
});

describe('correlation id', () => {
  it('is kept from the request header and appears in the log lines of the request', async () => {
    const { app, logs } = buildApp();
    const res = await request(app)
      .post('/v1/wallets')
      .set('x-correlation-id', 'corr-from-gateway.1')
      .send({ customerId: 'c1', amount: '1.000000' });
    expect(res.headers['x-correlation-id']).toBe('corr-from-gateway.1');
    expect(res.headers['x-request-id']).toMatch(UUID);
    // The route's own line comes after the body parser, the completion line after the response.
    const routeLine = logs.lines().find((l) => l.msg === 'creating wallet');
    const completion = logs.lines().find((l) => l.msg === 'request completed');
    expect(routeLine?.correlationId).toBe('corr-from-gateway.1');
    expect(completion).toMatchObject({ correlationId: 'corr-from-gateway.1', res: { statusCode: 201 } });
  });

  it('stays on log lines of a request whose body arrives slowly, in several chunks', async () => {
    const { app, logs } = buildApp();
    const server = await listen(app, 0, '127.0.0.1');
    try {
      const { port } = server.address() as AddressInfo;
      const status = await new Promise<number>((resolve, reject) => {
        const req = httpRequest(
          { port, host: '127.0.0.1', method: 'POST', path: '/v1/wallets', headers: { 'content-type': 'application/json', 'x-correlation-id': 'slow-body-1' } },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', reject);
        req.write('{"customerId":"c1",');
        setTimeout(() => req.end('"amount":"1.000000"}'), 50);
      });
      expect(status).toBe(201);
      expect(logs.lines().find((l) => l.msg === 'creating wallet')?.correlationId).toBe('slow-body-1');
    } finally {
      server.close();
    }
  });

  it('is generated when the header is missing or not a sane id', async () => {
    const { app } = buildApp();
    const missing = await request(app).get('/health/live');
    const insane = await request(app).get('/health/live').set('x-correlation-id', 'bad id <script>alert(1)</script>');
    const tooLong = await request(app).get('/health/live').set('x-correlation-id', 'a'.repeat(129));
    for (const res of [missing, insane, tooLong]) expect(res.headers['x-correlation-id']).toMatch(UUID);
  });

  it('request logs never contain the authorization header or an API key', async () => {
    const { app, logs } = buildApp();
    await request(app).get('/v1/nothing-here').set('authorization', 'Bearer rf_live_sekrit').set('x-api-key', 'rf_live_k3y');
    expect(logs.raw).toContain('"msg":"request completed"');
    expect(logs.raw).not.toMatch(/sekrit|k3y/);
  });

  it('health and metrics requests are not logged', async () => {
    const { app, logs } = buildApp();
    await request(app).get('/health/live');
    await request(app).get('/metrics');
    expect(logs.lines().filter((l) => l.msg === 'request completed')).toEqual([]);
  });
});

describe('health', () => {
  const failingDb: HealthCheck = {
    name: 'db',
    check: async () => {
      throw new Error('connect ECONNREFUSED postgresql://svc:dbpass@127.0.0.1:5999/x');
    },
  };

  it('ready is 200 with every check ok', async () => {
    const { app } = buildApp({ checks: [{ name: 'db', check: async () => {} }, { name: 'amqp', check: async () => {} }] });
    const res = await request(app).get('/health/ready');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok', checks: { db: 'ok', amqp: 'ok' } });
  });

  it('ready is 503 naming the failing check, without its credentials', async () => {
    const { app } = buildApp({ checks: [failingDb, { name: 'amqp', check: async () => {} }] });
    const res = await request(app).get('/health/ready');
    expect(res.status).toBe(503);
    expect(res.body.status).toBe('unavailable');
    expect(res.body.checks.amqp).toBe('ok');
    expect(res.body.checks.db).toMatch(/^fail: connect ECONNREFUSED/);
    expect(res.text).not.toContain('dbpass');
  });

  it('a check that hangs fails after its timeout instead of hanging readiness', async () => {
    const hanging: HealthCheck = { name: 'redis', timeoutMs: 50, check: () => new Promise(() => {}) };
    const { app } = buildApp({ checks: [hanging] });
    const res = await request(app).get('/health/ready');
    expect(res.status).toBe(503);
    expect(res.body.checks.redis).toBe('fail: timed out after 50 ms');
  });

  it('live and ready turn 503 once shutdown begins', async () => {
    const { app, health } = buildApp({ checks: [{ name: 'db', check: async () => {} }] });
    expect((await request(app).get('/health/live')).body).toEqual({ status: 'ok' });
    (health as Health).beginShutdown();
    expect((await request(app).get('/health/live')).status).toBe(503);
    const ready = await request(app).get('/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body.status).toBe('unavailable');
  });
});

describe('metrics', () => {
  it('exposes the request histogram labelled with the route pattern, not the raw URL', async () => {
    const { app } = buildApp();
    await request(app).get('/v1/wallets/w_123');
    await request(app).get('/v1/wallets/w_456');
    await request(app).get('/v1/nowhere/42');
    const res = await request(app).get('/metrics');
    expect(res.status).toBe(200);
    expect(res.text).toContain(
      'http_request_duration_seconds_count{service="billing",method="GET",route="/v1/wallets/:walletId",status="200"} 2',
    );
    expect(res.text).toContain('route="unmatched",status="404"');
    expect(res.text).not.toContain('w_123');
    expect(res.text).toContain('process_cpu_user_seconds_total');
  });
});

describe('principal', () => {
  const { app } = buildApp({ principalSecret: SECRET });
  const principal = { type: 'reseller' as const, id: 'res_1', resellerId: 'res_1', scopes: [], exp: Math.floor(Date.now() / 1000) + 60 };

  it('a request signed by the gateway reaches the route with its principal', async () => {
    const res = await request(app).get('/v1/me').set(PRINCIPAL_HEADER, signPrincipal(principal, SECRET));
    expect(res.status).toBe(200);
    expect(res.body).toEqual(principal);
  });

  it('a request without a principal is a 401', async () => {
    expectProblem(await request(app).get('/v1/me'), 401, 'AUTH_PRINCIPAL_MISSING');
  });

  it('a request with a principal signed by someone else is a 401', async () => {
    const forged = signPrincipal(principal, 'attacker-secret-attacker-secret-attacker');
    expectProblem(await request(app).get('/v1/me').set(PRINCIPAL_HEADER, forged), 401, 'AUTH_PRINCIPAL_INVALID');
  });

  it('an expired principal is a 401', async () => {
    const expired = signPrincipal({ ...principal, exp: Math.floor(Date.now() / 1000) - 1 }, SECRET);
    expectProblem(await request(app).get('/v1/me').set(PRINCIPAL_HEADER, expired), 401, 'AUTH_PRINCIPAL_EXPIRED');
  });

  it('health and metrics need no principal', async () => {
    expect((await request(app).get('/health/live')).status).toBe(200);
    expect((await request(app).get('/health/ready')).status).toBe(200);
    expect((await request(app).get('/metrics')).status).toBe(200);
  });
});
