// S7 (issue 17 item 4): without the dev flag, deliveries to loopback, private, link-local and
// cloud-metadata targets — literal, IPv6, IPv4-mapped, decimal, or a name resolving to loopback —
// are all refused at delivery time, each attempt saying why, and nothing reaches the receiver.
// Endpoints are written straight to the table, as if their URL had been accepted before (a name
// whose DNS answer changed since): the guard at delivery time is what is under test.
import { randomUUID } from 'node:crypto';
import { createWorld, ownerOfActor, waitFor, type World } from '../support/webhook-world';
import { startReceiver, type Receiver } from '../support/receiver';

let world: World;
let receiver: Receiver;
const owner = ownerOfActor('customerB');

beforeAll(async () => {
  world = await createWorld('notif_ssrf');
  receiver = await startReceiver();
});

afterAll(async () => {
  await receiver?.close();
  await world?.close();
});

async function insertEndpoint(url: string): Promise<string> {
  const id = randomUUID();
  await world.prisma.webhookEndpoint.create({
    data: { id, ...owner, url, eventTypes: ['*'], secretSealed: world.deps.cipher.seal('whsec_dGVzdHRlc3R0ZXN0dGVzdHRlc3R0ZXN0dGVzdHRlc3Q=', id) },
  });
  return id;
}

it('refuses 100 % of deliveries to internal targets without the dev flag, recording why', async () => {
  const port = receiver.port;
  receiver.answer = () => ({ status: 302, headers: { location: `http://127.0.0.1:${port}/internal` } });
  const targets = [
    `http://127.0.0.1:${port}/hook`,
    `https://10.0.0.1/hook`,
    `http://169.254.169.254/latest/meta-data/`,
    `http://[::1]:${port}/hook`,
    `http://[::ffff:127.0.0.1]:${port}/hook`,
    `http://2130706433:${port}/hook`,
    `http://0x7f000001:${port}/hook`,
    `http://[fd00:ec2::254]/latest`,
    `http://localhost:${port}/redirect`,
  ];
  const ids = await Promise.all(targets.map(insertEndpoint));
  const strict = world.dispatcher({ allowLoopback: false });

  await world.notify({ recipient: owner });
  const attempts = await waitFor(
    async () => {
      const rows = await world.prisma.webhookAttempt.findMany({ include: { delivery: true } });
      return rows.length >= targets.length ? rows : null;
    },
    10_000,
    'one attempt per target',
  );

  expect(attempts.map((a) => a.outcome)).toEqual(targets.map(() => 'refused'));
  const why = Object.fromEntries(attempts.map((a) => [targets[ids.indexOf(a.delivery.endpointId)], a.error]));
  expect(why[`http://127.0.0.1:${port}/hook`]).toContain('loopback');
  expect(why['https://10.0.0.1/hook']).toContain('private');
  expect(why['http://169.254.169.254/latest/meta-data/']).toContain('metadata');
  expect(why['http://[fd00:ec2::254]/latest']).toContain('metadata');
  expect(why[`http://localhost:${port}/redirect`]).toMatch(/localhost resolves to a refused address: .*loopback/);
  expect(receiver.received).toHaveLength(0);
  await strict.stop();
  // their retries are not this file's next test's business
  await world.prisma.webhookEndpoint.updateMany({ where: { id: { in: ids } }, data: { enabled: false } });
});

it('follows no redirect, even where the first hop is allowed (dev flag), and records the attempt as failed', async () => {
  const port = receiver.port;
  receiver.received.length = 0;
  receiver.answer = (r) => (r.path === '/redirect' ? { status: 302, headers: { location: `http://127.0.0.1:${port}/internal` } } : { status: 204 });
  const res = await world.as('customerA').post('/v1/webhook-endpoints', { url: receiver.url('/redirect'), eventTypes: ['*'] });
  world.dispatcher({ allowLoopback: true });

  await world.notify({ recipient: ownerOfActor('customerA') });
  const [attempt] = await waitFor(() => world.prisma.webhookAttempt.findMany({ where: { delivery: { endpointId: res.body.id } } }).then((a) => (a.length ? a : null)), 10_000, 'the attempt');

  expect(attempt).toMatchObject({ outcome: 'failed', responseStatus: 302, error: expect.stringContaining('redirect not followed') });
  expect(receiver.received.map((r) => r.path)).toEqual(['/redirect']);
});
