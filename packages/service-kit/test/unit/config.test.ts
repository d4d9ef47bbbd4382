import { z } from 'zod';
import { ConfigError, amqpUrl, baseServiceConfig, httpUrl, parseConfig, port, postgresUrl, redisUrl } from '../../src';

const SECRET = 'x'.repeat(40);
const validEnv = {
  PORT: '8082',
  PRINCIPAL_SECRET: SECRET,
  AMQP_URL: 'amqp://guest:guest@127.0.0.1:5672',
  DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/runfleet_billing',
};
const schema = z.object({ ...baseServiceConfig, DATABASE_URL: postgresUrl() });

function configErrorOf(env: Record<string, string | undefined>): ConfigError {
  try {
    parseConfig(schema, env, { service: 'billing' });
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('parseConfig accepted the environment');
}

describe('parseConfig', () => {
  it('returns typed values with defaults applied when the environment is valid', () => {
    const config = parseConfig(schema, validEnv);
    expect(config).toEqual({
      PORT: 8082,
      LOG_LEVEL: 'info',
      PRINCIPAL_SECRET: SECRET,
      AMQP_URL: validEnv.AMQP_URL,
      SHUTDOWN_TIMEOUT_MS: 10000,
      DATABASE_URL: validEnv.DATABASE_URL,
    });
  });

  it('names the service, the variable and the problem in one line', () => {
    const error = configErrorOf({ ...validEnv, DATABASE_URL: 'nope' });
    expect(error.message).toBe(
      'runfleet billing: invalid configuration: DATABASE_URL must be a postgresql:// URL (got "nope")',
    );
    expect(error.message).not.toContain('\n');
  });

  it('reports every bad variable, and missing ones as required', () => {
    const error = configErrorOf({ PORT: '99999', LOG_LEVEL: 'loud' });
    expect(error.issues.map((i) => i.variable).sort()).toEqual(
      ['AMQP_URL', 'DATABASE_URL', 'LOG_LEVEL', 'PORT', 'PRINCIPAL_SECRET'].sort(),
    );
    expect(error.message).toContain('PRINCIPAL_SECRET is required');
    expect(error.message).toContain('PORT must be a port number (0-65535) (got "99999")');
  });

  it('never echoes a secret value, only its length', () => {
    const error = configErrorOf({ ...validEnv, PRINCIPAL_SECRET: 'hunter2-too-short' });
    expect(error.message).toContain('PRINCIPAL_SECRET must be at least 32 characters (got 17 characters)');
    expect(error.message).not.toContain('hunter2');
  });

  it('masks the password of a bad URL value', () => {
    const error = configErrorOf({ ...validEnv, DATABASE_URL: 'mysql://admin:s3cr3t-pw@db:3306/x' });
    expect(error.message).toContain('DATABASE_URL must be a postgresql:// URL (got "mysql://admin:***@db:3306/x")');
    expect(error.message).not.toContain('s3cr3t-pw');
  });

  it('accepts only the expected schemes in the URL builders', () => {
    const urls = z.object({ A: amqpUrl(), R: redisUrl(), H: httpUrl() });
    expect(() => parseConfig(urls, { A: 'amqps://h', R: 'rediss://h:6380', H: 'https://h' })).not.toThrow();
    expect(() => parseConfig(urls, { A: 'http://h', R: 'redis://h', H: 'https://h' })).toThrow(/A must be an amqp:\/\/ URL/);
    expect(() => parseConfig(urls, { A: 'amqp://h', R: 'http://h', H: 'https://h' })).toThrow(/R must be a redis:\/\/ URL/);
    expect(() => parseConfig(urls, { A: 'amqp://h', R: 'redis://h', H: 'ftp://h' })).toThrow(/H must be an http\(s\):\/\/ URL/);
  });

  it('lets a service give PORT its own default', () => {
    const withDefault = z.object({ ...baseServiceConfig, PORT: port().default(8081) });
    const { PORT, ...rest } = validEnv;
    void PORT;
    expect(parseConfig(withDefault, rest).PORT).toBe(8081);
  });
});
