// The platform checks every way of starting the stack must pass (e2e/test/platform.test.ts with one
// process per service, platform-replicas.test.ts with two of each backend service): readiness
// through the gateway, services refusing unsigned requests, one correlation id end to end with no
// key in any log, and a graceful stop of every process with its requests in flight.
import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { createAdminKey, SERVICES, type RunningService, type ServiceName, type Stack } from './stack';

export interface PlatformChecksContext {
  /** the running stack (set in beforeAll) */
  stack(): Stack;
  /** processes of every backend service the stack was started with (default 1) */
  replicas?: number;
}

const BACKENDS = SERVICES.filter((s) => s !== 'api-gateway');

/** Registers the checks that leave the stack running; `adminKey()` is the key the correlation check creates. */
export function describeRunningPlatform(context: PlatformChecksContext): { adminKey(): string } {
  let adminKey = '';
  it('reports every service ready through the gateway', async () => {
    const res = await fetch(`${context.stack().gatewayUrl}/health/ready`);
    const body = await res.json();

    expect(res.status).toBe(200);
    const reported = JSON.stringify(body);
    for (const name of BACKENDS) expect(reported).toContain(name);
  });

  it('refuses a request sent straight to a service port without a gateway-signed principal', async () => {
    for (const name of BACKENDS) {
      for (const service of context.stack().replicas[name]) {
        const res = await fetch(`${service.url}/v1/me`);
        expect(res.status).toBe(401);
        expect(res.headers.get('content-type')).toContain('application/problem+json');
      }
    }
  });

  it('carries one correlation id through the gateway and the service, and never logs the key', async () => {
    const stack = context.stack();
    const key = createAdminKey(stack);
    adminKey = key;
    const correlationId = `e2e-${randomUUID()}`;

    const res = await fetch(`${stack.gatewayUrl}/v1/me`, {
      headers: { authorization: `Bearer ${key}`, 'x-correlation-id': correlationId },
    });

    expect(res.status).toBe(200);
    expect(res.headers.get('x-correlation-id')).toBe(correlationId);
    // log lines are written asynchronously; give them a moment
    await new Promise((r) => setTimeout(r, 300));
    // with replicas, whichever reseller process answered logged it
    const withId = (name: 'api-gateway' | 'reseller') =>
      stack.replicas[name].flatMap((service) => service.lines).filter((line) => line.includes(correlationId));
    expect(withId('api-gateway').length).toBeGreaterThan(0);
    expect(withId('reseller').length).toBeGreaterThan(0);
    const everything = stack.allLines().join('\n');
    expect(everything).not.toContain(key);
    expect(everything).not.toContain(key.split('_').pop());
  }, 20_000);

  return { adminKey: () => adminKey };
}

/**
 * Registers the checks that stop the stack, one process at a time (run them last): each process is
 * sent SIGTERM while requests to it are truly in flight — their headers and half their body are on
 * the server, the rest is sent only after the signal.
 */
export function describeGracefulStop(context: PlatformChecksContext, adminKey: () => string): void {
  const processes: [string, ServiceName, number][] = SERVICES.flatMap((name) => {
    const count = name === 'api-gateway' ? 1 : (context.replicas ?? 1);
    return Array.from({ length: count }, (_, i): [string, ServiceName, number] => [i === 0 ? name : `${name}-${i + 1}`, name, i]);
  });
  it.each(processes)('%s answers the requests in flight when sent SIGTERM and exits 0 within 10 s', async (_label, name, index) => {
    const service: RunningService = context.stack().replicas[name][index]!;
    // Through the gateway a request is in flight once authenticated and streaming to its upstream.
    const headers: Record<string, string> = name === 'api-gateway' ? { authorization: `Bearer ${adminKey()}` } : {};
    const inFlight = await Promise.all(Array.from({ length: 20 }, () => startHalfSentRequest(service.port, headers)));
    const started = Date.now();

    service.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 200));
    const statuses = await Promise.all(inFlight.map((request) => request.finish()));
    const code = await service.exited;

    expect(statuses.filter((status) => typeof status !== 'number')).toEqual([]);
    expect(code).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
  }, 20_000);
}

/** Opens a connection, sends the headers and half the body of a POST, and waits until the server has them. */
async function startHalfSentRequest(
  port: number,
  extraHeaders: Record<string, string>,
): Promise<{ finish(): Promise<number | string> }> {
  const body = JSON.stringify({ name: 'in flight' });
  const req = httpRequest({
    host: '127.0.0.1',
    port,
    method: 'POST',
    path: '/v1/projects',
    agent: false,
    headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...extraHeaders },
  });
  const answered = new Promise<number | string>((resolve) => {
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 'no status'));
    });
    req.on('error', (err) => resolve(`failed: ${err.message}`));
  });
  await new Promise<void>((resolve) => req.on('socket', (socket) => socket.on('connect', () => resolve())));
  req.write(body.slice(0, 5));
  // Until the server has parsed the headers, the connection counts as idle and a draining server
  // may close it — that request was never in flight. Give a loaded machine ample time to parse them.
  await new Promise((r) => setTimeout(r, 500));
  return {
    finish: () => {
      req.end(body.slice(5));
      return answered;
    },
  };
}
