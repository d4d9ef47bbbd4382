import { createLogger, runWithContext } from '../../src';
import { memoryDestination } from '../memory-destination';

describe('createLogger', () => {
  it('never writes authorization headers, tokens, keys or database passwords', () => {
    const out = memoryDestination();
    const logger = createLogger({ service: 'billing', destination: out });
    logger.info(
      {
        req: {
          headers: {
            authorization: 'Bearer rf_live_authzvalue',
            'x-api-key': 'rf_live_apikeyvalue',
            cookie: 'session=cookievalue',
            'x-runfleet-principal': 'v1.principalbody.principalsig',
          },
        },
        token: 'top-level-token-value',
        runner: { registration: { token: 'nested-token-value', rawKey: 'raw-key-value' } },
        customer: { apiKey: 'customer-api-key-value', api_key: 'snake-api-key-value' },
        config: { DATABASE_URL: 'postgresql://svc:dburlpassword@db/x', password: 'plain-password-value' },
        target: 'amqp://guest:amqppassword@127.0.0.1:5672/vhost',
      },
      'connecting to postgresql://svc:inmessagepassword@db:5432/runfleet',
    );
    logger.error(new Error('connect ECONNREFUSED postgresql://svc:inerrorpassword@db:5432/x'));

    const secrets = [
      'authzvalue',
      'apikeyvalue',
      'cookievalue',
      'principalsig',
      'top-level-token-value',
      'nested-token-value',
      'raw-key-value',
      'customer-api-key-value',
      'snake-api-key-value',
      'dburlpassword',
      'plain-password-value',
      'amqppassword',
      'inmessagepassword',
      'inerrorpassword',
    ];
    for (const secret of secrets) expect(out.raw).not.toContain(secret);

    const [line] = out.lines();
    expect(line).toMatchObject({
      service: 'billing',
      level: 'info',
      token: '[REDACTED]',
      target: 'amqp://guest:***@127.0.0.1:5672/vhost',
      msg: 'connecting to postgresql://svc:***@db:5432/runfleet',
      req: { headers: { authorization: '[REDACTED]' } },
    });
  });

  it('keeps the values of fields that are not secrets', () => {
    const out = memoryDestination();
    createLogger({ service: 'billing', destination: out }).info({ walletId: 'w_1', amount: '12.500000' }, 'charged');
    expect(out.lines()[0]).toMatchObject({ walletId: 'w_1', amount: '12.500000', msg: 'charged' });
  });

  it('adds the correlation, causation and request id of the current context to every line', () => {
    const out = memoryDestination();
    const logger = createLogger({ service: 'billing', destination: out });
    runWithContext({ correlationId: 'corr-1', causationId: 'msg-9', requestId: 'req-3' }, () => {
      logger.info('inside');
      logger.child({ component: 'relay' }).warn('child inside');
    });
    logger.info('outside');
    const [inside, child, outside] = out.lines();
    expect(inside).toMatchObject({ correlationId: 'corr-1', causationId: 'msg-9', requestId: 'req-3' });
    expect(child).toMatchObject({ correlationId: 'corr-1', component: 'relay' });
    expect(outside).not.toHaveProperty('correlationId');
  });

  it('drops lines below the configured level', () => {
    const out = memoryDestination();
    const logger = createLogger({ service: 'billing', level: 'warn', destination: out });
    logger.info('hidden');
    logger.warn('shown');
    expect(out.lines().map((l) => l.msg)).toEqual(['shown']);
  });
});
