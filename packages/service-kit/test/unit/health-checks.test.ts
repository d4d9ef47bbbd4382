import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { amqpCheck, createHealth, httpCheck, redisCheck, sqlCheck } from '../../src';

describe('readiness check factories', () => {
  it('report ok when the dependency answers', async () => {
    const health = createHealth([
      sqlCheck(async () => [{ '?column?': 1 }]),
      redisCheck(async () => 'PONG'),
      amqpCheck(() => true),
    ]);
    expect(await health.readiness()).toEqual({ status: 'ok', checks: { db: 'ok', redis: 'ok', amqp: 'ok' } });
  });

  it('report a short reason when the dependency fails', async () => {
    const health = createHealth([
      sqlCheck(async () => {
        throw new Error('password authentication failed for postgresql://svc:pw123@db/x');
      }),
      redisCheck(async () => 'LOADING'),
      amqpCheck(async () => false),
    ]);
    const report = await health.readiness();
    expect(report.status).toBe('unavailable');
    expect(report.checks).toEqual({
      db: 'fail: password authentication failed for postgresql://svc:***@db/x',
      redis: 'fail: unexpected ping reply "LOADING"',
      amqp: 'fail: not connected to the broker',
    });
  });

  it('run in parallel, so readiness takes as long as the slowest check, not their sum', async () => {
    const slow = () => new Promise<void>((resolve) => setTimeout(resolve, 150));
    const health = createHealth([sqlCheck(slow), sqlCheck(slow, { name: 'replica' }), redisCheck(async () => { await slow(); return 'PONG'; })]);
    const started = Date.now();
    expect((await health.readiness()).status).toBe('ok');
    expect(Date.now() - started).toBeLessThan(400);
  });

  describe('httpCheck', () => {
    let server: Server;
    let base: string;
    beforeAll(async () => {
      server = createServer((req, res) => {
        res.statusCode = req.url === '/up' ? 200 : 503;
        res.end();
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('is ok on 2xx and fails with the status otherwise', async () => {
      const health = createHealth([httpCheck(`${base}/up`, { name: 'billing' }), httpCheck(`${base}/down`, { name: 'reseller' })]);
      expect((await health.readiness()).checks).toEqual({ billing: 'ok', reseller: 'fail: status 503' });
    });
  });
});
