// The canary search itself (e2e/support/canaries.ts) must be able to fail: a canary planted in a log
// line, an error body or a dead-lettered message is found there, and nothing else is.
import { createTestVhost, getQueue, rabbitManagement, type TestVhost } from '@runfleet/test-infra';
import { CanaryWatch, canaryIban } from '../support/canaries';

let vhost: TestVhost;

beforeAll(async () => {
  vhost = await createTestVhost('e2e_canaries');
}, 30_000);

afterAll(async () => {
  await vhost?.drop();
}, 30_000);

describe('the canary search', () => {
  it('finds a token’s secret part in a log line, an IBAN written in groups in an error body, and masks both', async () => {
    const watch = new CanaryWatch();
    const key = watch.forge('api-key');
    const iban = watch.plant('payout-iban', canaryIban(true), true);
    const grouped = iban.replace(/(.{4})/g, '$1 ').trim();
    const secretPart = key.slice(key.lastIndexOf('_') + 1);
    watch.sawErrorBody(JSON.stringify({ code: 'VALIDATION_FAILED', detail: `bad account ${grouped}` }));

    const report = await watch.scan({ lines: ['[billing] {"msg":"ok"}', `[api-gateway] {"msg":"verify","token":"${secretPart}"}`] });

    expect(report.hits).toEqual([
      expect.objectContaining({ kind: 'api-key', valid: false, where: 'log [api-gateway]' }),
      expect.objectContaining({ kind: 'payout-iban', valid: true, where: 'error body' }),
    ]);
    expect(JSON.stringify(report.hits)).not.toContain(secretPart);
    expect(JSON.stringify(report.hits)).not.toContain(grouped);
  });

  it('finds a canary in a dead-lettered message’s headers and leaves the message where it was', async () => {
    const watch = new CanaryWatch();
    const token = watch.forge('runner-token');
    const queue = 'billing.job-usage.dead';
    const v = encodeURIComponent(vhost.name);
    await rabbitManagement('PUT', `/api/queues/${v}/${queue}`, { durable: true });
    await rabbitManagement('POST', `/api/exchanges/${v}/amq.default/publish`, {
      properties: { headers: { 'x-last-error': `verify failed for ${token}` } },
      routing_key: queue,
      payload: '{"type":"job.completed"}',
      payload_encoding: 'string',
    });
    await rabbitManagement('PUT', `/api/queues/${v}/billing.job-usage`, { durable: true });

    const report = await watch.scan({ lines: [], vhost: vhost.name });

    expect(report.hits).toEqual([expect.objectContaining({ kind: 'runner-token', where: `dead letter ${queue}` })]);
    expect(report.searched.deadLetters).toBe(1);
    expect((await watch.scan({ lines: [], vhost: vhost.name })).searched.deadLetters).toBe(1);
    expect(await getQueue(vhost.name, queue)).toMatchObject({ name: queue });
  }, 30_000);

  it('finds nothing where no canary is', async () => {
    const watch = new CanaryWatch();
    watch.forge('api-key');
    watch.forge('webhook-secret');
    watch.forge('stripe-webhook-secret');
    watch.forge('payout-iban');
    watch.sawErrorBody('{"code":"AUTH_INVALID_CREDENTIALS"}');

    const report = await watch.scan({ lines: ['[reseller] {"msg":"request completed","status":401}'], vhost: vhost.name });

    expect(report.hits).toEqual([]);
    expect(report.searched).toMatchObject({ canaries: 4, lines: 1, errorBodies: 1 });
  }, 30_000);
});
