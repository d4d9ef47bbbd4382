// The environment `npm start` gives each service: ports as agreed, the gateway wired to the
// others, and secrets made once and kept across restarts.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

interface LocalStack {
  SERVICES: Array<{ name: string; port: number; database: string | null; env: string[] }>;
  loadSecrets(environment: Record<string, string | undefined>, file: string): Record<string, string>;
  serviceEnv(
    name: string,
    secrets: Record<string, string>,
    environment?: Record<string, string | undefined>,
    replicas?: { count: number; replica: number },
  ): Record<string, string>;
  replicaCount(value: string | undefined): number;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports -- plain CommonJS module shared with scripts/
const { SERVICES, loadSecrets, replicaCount, serviceEnv } = require('../local-stack') as LocalStack;

const secrets = {
  PRINCIPAL_SECRET: 'p'.repeat(43),
  API_KEY_PEPPER: 'k'.repeat(43),
  IDEMPOTENCY_ENCRYPTION_KEY: 'i'.repeat(43),
  RUNNER_TOKEN_PEPPER: 'r'.repeat(43),
};

describe('the local stack', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runfleet-local-stack-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('listens on the agreed ports: gateway 8080, then reseller, billing, runner-registry, notifications', () => {
    expect(SERVICES.map((s) => [s.name, s.port])).toEqual([
      ['api-gateway', 8080],
      ['reseller', 8081],
      ['billing', 8082],
      ['runner-registry', 8083],
      ['notifications', 8084],
    ]);
  });

  it('points the gateway at the port each service listens on', () => {
    const gateway = serviceEnv('api-gateway', secrets, {});
    for (const service of SERVICES.filter((s) => s.name !== 'api-gateway')) {
      const variable = `${service.name.toUpperCase().replace(/-/g, '_')}_URL`;
      expect(gateway[variable]).toBe(`http://127.0.0.1:${serviceEnv(service.name, secrets, {}).PORT}`);
    }
  });

  it('with two replicas, points the gateway at both, each on its own port, sharing one database', () => {
    const replicas = { count: 2, replica: 1 };
    const gateway = serviceEnv('api-gateway', secrets, {}, replicas);
    expect(gateway.BILLING_URL).toBe('http://127.0.0.1:8082,http://127.0.0.1:8102');
    expect(gateway.NOTIFICATIONS_URL).toBe('http://127.0.0.1:8084,http://127.0.0.1:8104');
    // invoice.issued email reads its PDF from billing: every replica, tried in turn
    expect(serviceEnv('notifications', secrets, {}, replicas).BILLING_URL).toBe('http://127.0.0.1:8082,http://127.0.0.1:8102');
    const second = serviceEnv('billing', secrets, {}, { count: 2, replica: 2 });
    expect(second.PORT).toBe('8102');
    expect(second.DATABASE_URL).toBe(serviceEnv('billing', secrets, {}, replicas).DATABASE_URL);
  });

  it("links account mail to the console the gateway serves, or to the CONSOLE_URL the environment names", () => {
    const gatewayPort = serviceEnv('api-gateway', secrets, {}).PORT;
    expect(serviceEnv('notifications', secrets, {}).CONSOLE_URL).toBe(`http://127.0.0.1:${gatewayPort}/console`);
    expect(serviceEnv('notifications', secrets, { CONSOLE_URL: 'https://console.example.com' }).CONSOLE_URL).toBe('https://console.example.com');
  });

  it('takes 1 to 8 replicas, and refuses anything else with a readable message', () => {
    expect(replicaCount(undefined)).toBe(1);
    expect(replicaCount('2')).toBe(2);
    for (const bad of ['0', '9', 'two', '1.5']) expect(() => replicaCount(bad)).toThrow(/replicas must be an integer from 1 to 8/);
  });

  it('gives every service the same principal secret, only the reseller the API key pepper, only the gateway the idempotency encryption key, only runner-registry the runner token pepper', () => {
    for (const { name } of SERVICES) {
      const env = serviceEnv(name, secrets, {});
      expect(env.PRINCIPAL_SECRET).toBe(secrets.PRINCIPAL_SECRET);
      expect(env.API_KEY_PEPPER).toBe(name === 'reseller' ? secrets.API_KEY_PEPPER : undefined);
      expect(env.RUNNER_TOKEN_PEPPER).toBe(name === 'runner-registry' ? secrets.RUNNER_TOKEN_PEPPER : undefined);
      expect(env.IDEMPOTENCY_ENCRYPTION_KEY).toBe(name === 'api-gateway' ? secrets.IDEMPOTENCY_ENCRYPTION_KEY : undefined);
    }
  });

  it('gives each database service its own database on the server POSTGRES_URL names', () => {
    const env = serviceEnv('runner-registry', secrets, { POSTGRES_URL: 'postgresql://app:pw@db.internal:6543' });
    expect(env.DATABASE_URL).toBe('postgresql://app:pw@db.internal:6543/runfleet_runner_registry');
    expect(serviceEnv('api-gateway', secrets, {}).DATABASE_URL).toBeUndefined();
  });

  it('takes LOG_LEVEL, AMQP_URL and REDIS_URL from the environment over the defaults', () => {
    const env = serviceEnv('api-gateway', secrets, { LOG_LEVEL: 'debug', AMQP_URL: 'amqp://x:y@broker:5672', REDIS_URL: 'redis://cache:6379' });
    expect(env).toMatchObject({ LOG_LEVEL: 'debug', AMQP_URL: 'amqp://x:y@broker:5672', REDIS_URL: 'redis://cache:6379' });
    expect(serviceEnv('api-gateway', secrets, {}).LOG_LEVEL).toBe('info');
  });

  it('generates the secrets once, private to the user, and reuses them on the next start', () => {
    const file = path.join(dir, 'nested', 'secrets.env');
    const first = loadSecrets({}, file);
    const second = loadSecrets({}, file);
    expect(second).toEqual(first);
    expect(first.PRINCIPAL_SECRET?.length).toBeGreaterThanOrEqual(32);
    expect(first.API_KEY_PEPPER).not.toBe(first.PRINCIPAL_SECRET);
    expect(first.IDEMPOTENCY_ENCRYPTION_KEY?.length).toBeGreaterThanOrEqual(32);
    expect(first.RUNNER_TOKEN_PEPPER?.length).toBeGreaterThanOrEqual(32);
    expect(new Set(Object.values(first)).size).toBe(4);
    expect(fs.statSync(file).mode & 0o077).toBe(0);
  });

  it('prefers a secret set in the environment over the stored one', () => {
    const file = path.join(dir, 'secrets.env');
    const stored = loadSecrets({}, file);
    const overridden = loadSecrets({ PRINCIPAL_SECRET: 'from-the-environment-'.repeat(3) }, file);
    expect(overridden.PRINCIPAL_SECRET).toBe('from-the-environment-'.repeat(3));
    expect(overridden.API_KEY_PEPPER).toBe(stored.API_KEY_PEPPER);
  });
});
