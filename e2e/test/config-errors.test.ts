import { assertBuilt, runToExit, type ServiceName } from '../support/stack';

const SECRET = 'x'.repeat(40);
const valid: Record<ServiceName, NodeJS.ProcessEnv> = {
  'api-gateway': {
    PRINCIPAL_SECRET: SECRET,
    AMQP_URL: 'amqp://guest:guest@127.0.0.1:5672',
    REDIS_URL: 'redis://127.0.0.1:6379',
    RESELLER_URL: 'http://127.0.0.1:1',
    BILLING_URL: 'http://127.0.0.1:1',
    RUNNER_REGISTRY_URL: 'http://127.0.0.1:1',
    NOTIFICATIONS_URL: 'http://127.0.0.1:1',
  },
  reseller: { PRINCIPAL_SECRET: SECRET, AMQP_URL: 'amqp://guest:guest@127.0.0.1:5672', API_KEY_PEPPER: SECRET },
  billing: { PRINCIPAL_SECRET: SECRET, AMQP_URL: 'amqp://guest:guest@127.0.0.1:5672' },
  'runner-registry': { PRINCIPAL_SECRET: SECRET, AMQP_URL: 'amqp://guest:guest@127.0.0.1:5672', REDIS_URL: 'redis://127.0.0.1:6379', RUNNER_TOKEN_PEPPER: SECRET },
  notifications: { PRINCIPAL_SECRET: SECRET, AMQP_URL: 'amqp://guest:guest@127.0.0.1:5672' },
};

// The variable each service is started with a malformed value of.
const malformed: [ServiceName, string, string][] = [
  ['reseller', 'DATABASE_URL', 'nope'],
  ['billing', 'DATABASE_URL', 'nope'],
  ['runner-registry', 'DATABASE_URL', 'nope'],
  ['notifications', 'DATABASE_URL', 'nope'],
  ['api-gateway', 'RESELLER_URL', 'nope'],
  ['runner-registry', 'REDIS_URL', 'http://127.0.0.1:6379'],
  ['billing', 'AMQP_URL', 'localhost'],
  ['reseller', 'PRINCIPAL_SECRET', 'too-short'],
];

beforeAll(() => assertBuilt());

describe('a service started with a malformed environment variable', () => {
  it.each(malformed)('%s with %s=%s exits non-zero with one readable line naming the variable', (service, variable, value) => {
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, ...valid[service], [variable]: value };
    if (service !== 'api-gateway' && variable !== 'DATABASE_URL') env.DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';

    const { status, stdout, stderr } = runToExit(service, env);

    expect(status).not.toBe(0);
    expect(status).not.toBeNull();
    const lines = `${stdout}${stderr}`.split('\n').filter((l) => l.trim().length > 0);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(variable);
    expect(lines[0]).toContain(service);
    // secrets are never echoed back
    if (variable === 'PRINCIPAL_SECRET') expect(lines[0]).not.toContain(value);
  });
});
