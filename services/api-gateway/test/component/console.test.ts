// The web console at /console (issue 19): the built app's files from CONSOLE_DIST, its own pages
// through the SPA fallback to index.html, hashed assets cached for good and index.html revalidated,
// a CSP that loads nothing from elsewhere and forbids framing; an unbuilt console is a 503 that says so.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { call, closeAgents, startGateway, type GatewayUnderTest } from '../support/gateway-under-test';

jest.setTimeout(30_000);

const INDEX = '<!doctype html><html><head><script type="module" src="/console/assets/index-C0ffee12.js"></script></head><body><div id="root"></div></body></html>';
const SCRIPT = 'document.getElementById("root").textContent = "Runfleet";';

let dist: string;
let gw: GatewayUnderTest;
let unbuilt: GatewayUnderTest;

beforeAll(async () => {
  dist = mkdtempSync(join(tmpdir(), 'runfleet-console-'));
  mkdirSync(join(dist, 'assets'));
  writeFileSync(join(dist, 'index.html'), INDEX);
  writeFileSync(join(dist, 'assets', 'index-C0ffee12.js'), SCRIPT);
  writeFileSync(join(dist, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  writeFileSync(join(dist, '.env'), 'SECRET=1');
  gw = await startGateway({ env: { CONSOLE_DIST: dist } });
  unbuilt = await startGateway({ env: { CONSOLE_DIST: join(dist, 'not-built') } });
});

afterAll(async () => {
  await gw?.close();
  await unbuilt?.close();
  await closeAgents();
  rmSync(dist, { recursive: true, force: true });
});

function expectConsoleHeaders(headers: Record<string, string>): void {
  const csp = headers['content-security-policy'] ?? '';
  expect(csp.split('; ')).toEqual(expect.arrayContaining(["default-src 'self'", "frame-ancestors 'none'", "object-src 'none'"]));
  expect(csp).not.toMatch(/https?:|\*/);
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['x-frame-options']).toBe('DENY');
}

describe('the console', () => {
  it('serves its page at /console, /console/ and any of its own routes, revalidated every time', async () => {
    for (const path of ['/console', '/console/', '/console/sign-in', '/console/reseller/customers/42?tab=keys']) {
      const page = await call(gw.url, path);
      expect({ path, status: page.status }).toEqual({ path, status: 200 });
      expect(page.headers['content-type']).toContain('text/html');
      expect(page.text).toBe(INDEX);
      expect(page.headers['cache-control']).toBe('no-cache');
      expectConsoleHeaders(page.headers);
    }
  });

  it('serves hashed assets as immutable for a year, other files revalidated', async () => {
    const script = await call(gw.url, '/console/assets/index-C0ffee12.js');
    expect(script.status).toBe(200);
    expect(script.headers['content-type']).toContain('javascript');
    expect(script.text).toBe(SCRIPT);
    expect(script.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expectConsoleHeaders(script.headers);
    const icon = await call(gw.url, '/console/favicon.svg');
    expect(icon.status).toBe(200);
    expect(icon.headers['cache-control']).toBe('no-cache');
  });

  it('answers 404 for a file it does not have, a dotfile or a path out of its directory, not its page', async () => {
    for (const path of ['/console/assets/missing-123.js', '/console/.env', '/console/..%2F..%2Fpackage.json', '/console/assets/..%2f..%2f..%2fetc%2fpasswd']) {
      const result = await call(gw.url, path);
      expect({ path, status: result.status }).toEqual({ path, status: 404 });
      expect(result.text).not.toContain('SECRET');
      expect(result.text).not.toBe(INDEX);
    }
    const write = await call(gw.url, '/console/sign-in', { method: 'POST', body: {} });
    expect(write.status).toBe(404);
    expect(write.headers['content-type']).toContain('application/problem+json');
  });

  it('answers 503 problem+json saying it was not built when CONSOLE_DIST has no build', async () => {
    for (const path of ['/console', '/console/sign-in', '/console/assets/index-C0ffee12.js']) {
      const result = await call(unbuilt.url, path);
      expect({ path, status: result.status }).toEqual({ path, status: 503 });
      expect(result.headers['content-type']).toContain('application/problem+json');
      expect(result.json()).toMatchObject({ status: 503, code: 'CONSOLE_NOT_BUILT' });
    }
  });

  it('leaves the gateway’s other routes alone', async () => {
    expect((await call(gw.url, '/consoles')).status).toBe(404);
    expect((await call(gw.url, '/health/live')).status).toBe(200);
  });
});
