import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import path from 'node:path';

const fixture = path.join(__dirname, '../fixtures/slow-service.js');

function start(env: Record<string, string> = {}) {
  const proc = spawn(process.execPath, [fixture], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let output = '';
  proc.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; at: number; output: string }>((resolve) =>
    proc.once('exit', (code) => resolve({ code, at: Date.now(), output })),
  );
  return { proc, exited };
}

function waitForPort(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /LISTENING (\d+)/.exec(out);
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`fixture exited with ${code} before listening: ${out}`)));
  });
}

function get(port: number, urlPath: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: urlPath }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('graceful shutdown', () => {
  let child: ChildProcess | undefined;
  afterEach(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
  });

  it('SIGTERM during a slow request still answers it 200, then the process exits 0', async () => {
    const started = start();
    child = started.proc;
    const port = await waitForPort(child);

    const inFlight = get(port, '/slow');
    await new Promise((resolve) => setTimeout(resolve, 200));
    const signalledAt = Date.now();
    child.kill('SIGTERM');

    const response = await inFlight;
    expect(response).toEqual({ status: 200, body: '{"done":true}' });

    const { code, at, output } = await started.exited;
    expect(code).toBe(0);
    expect(at - signalledAt).toBeLessThan(10000);
    expect(output).toContain('"msg":"slow stopped"');
  }, 30000);

  it('exits 1 with a log line when closing takes longer than the shutdown timeout', async () => {
    const started = start({ FIXTURE_MODE: 'hang-close', SHUTDOWN_TIMEOUT_MS: '500' });
    child = started.proc;
    await waitForPort(child);
    child.kill('SIGTERM');
    const { code, output } = await started.exited;
    expect(code).toBe(1);
    expect(output).toContain('did not stop within 500 ms');
  }, 30000);

  it('exits 1 when start-up fails, logging the error without the database password', async () => {
    const started = start({ FIXTURE_MODE: 'fail-start' });
    child = started.proc;
    const { code, output } = await started.exited;
    expect(code).toBe(1);
    const line = JSON.parse(output.trim().split('\n').pop()!);
    expect(line).toMatchObject({ level: 'fatal', origin: 'startup', code: 'INTERNAL_ERROR' });
    expect(line.err.message).toBe('cannot reach postgresql://svc:***@127.0.0.1:1/x');
  }, 30000);
});
