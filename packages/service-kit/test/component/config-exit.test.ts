import { spawnSync } from 'node:child_process';
import path from 'node:path';

const fixture = path.join(__dirname, '../fixtures/invalid-config.js');

function boot(env: Record<string, string>) {
  return spawnSync(process.execPath, [fixture], {
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
    timeout: 20000,
  });
}

describe('a service booting with an invalid environment', () => {
  it('exits 1 with one stderr line naming the variable, without the secret', () => {
    const result = boot({
      PORT: '8082',
      PRINCIPAL_SECRET: 'x'.repeat(40),
      AMQP_URL: 'amqp://guest:topsecretpw@127.0.0.1:5672',
      DATABASE_URL: 'nope',
    });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      'runfleet billing: invalid configuration: DATABASE_URL must be a postgresql:// URL (got "nope")\n',
    );
  });

  it('starts when the environment is valid', () => {
    const result = boot({
      PORT: '8082',
      PRINCIPAL_SECRET: 'x'.repeat(40),
      AMQP_URL: 'amqp://guest:guest@127.0.0.1:5672',
      DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/runfleet_billing',
    });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('config loaded\n');
  });
});
