// Email preferences (issue 17 item 5): per account and category, on by default; what the email
// channel records follows them, except security mail, which no preference turns off.
import { randomUUID } from 'node:crypto';
import { createWorld, jobCompleted, type World } from '../support/world';

jest.setTimeout(30_000);

let world: World;

beforeAll(async () => {
  world = await createWorld('notifications_prefs');
});

afterAll(async () => {
  await world?.close();
});

const sendsFor = (accountId: string, eventId: string) => world.prisma.emailSend.count({ where: { accountId, eventId } });

describe('notification preferences', () => {
  it('are all on until changed, and a PUT changes only the categories it names', async () => {
    const before = await world.as('customerA').get('/v1/notification-preferences');
    expect(before.status).toBe(200);
    expect(before.body).toEqual({ jobs: { email: true }, wallet: { email: true }, orders: { email: true }, earnings: { email: true }, runners: { email: true }, webhooks: { email: true } });
    const put = await world.as('customerA').put('/v1/notification-preferences', { jobs: { email: false } });
    expect(put.status).toBe(200);
    expect(put.body.jobs).toEqual({ email: false });
    expect(put.body.wallet).toEqual({ email: true });
    expect((await world.as('customerA').get('/v1/notification-preferences')).body.jobs).toEqual({ email: false });
    // another account's are untouched
    expect((await world.as('customerB').get('/v1/notification-preferences')).body.jobs).toEqual({ email: true });
  });

  it('bad input is a 400 naming the field, and nothing is written', async () => {
    const rows = await world.count('notification_preference');
    const unknown = await world.as('customerB').put('/v1/notification-preferences', { spam: { email: false } });
    expect(unknown.status).toBe(400);
    const notBoolean = await world.as('customerB').put('/v1/notification-preferences', { jobs: { email: 'no' } });
    expect(notBoolean.status).toBe(400);
    expect(notBoolean.body.errors[0].field).toBe('body.jobs.email');
    expect((await world.as('customerB').put('/v1/notification-preferences', {})).status).toBe(400);
    expect(await world.count('notification_preference')).toBe(rows);
  });

  it('admins have no preferences here', async () => {
    expect((await world.as('admin').get('/v1/notification-preferences')).status).toBe(403);
    expect((await world.as('admin').put('/v1/notification-preferences', { jobs: { email: false } })).status).toBe(403);
  });

  it('a category turned off gets no email, but still its feed item; other categories still mail', async () => {
    await world.as('direct').put('/v1/notification-preferences', { jobs: { email: false } });
    const job = await world.deliver('job.completed', jobCompleted(world.ids.direct, null));
    expect(await sendsFor(world.ids.direct, job)).toBe(0);
    expect(await world.prisma.feedItem.count({ where: { eventId: job, accountId: world.ids.direct } })).toBe(1);
    const low = await world.deliver('wallet.low_balance', { walletId: randomUUID(), customerId: world.ids.direct, resellerId: null, balance: '1.000000', available: '1.000000', threshold: '5.000000', currency: 'EUR' });
    expect(await sendsFor(world.ids.direct, low)).toBe(1);
    await world.as('direct').put('/v1/notification-preferences', { jobs: { email: true } });
    const next = await world.deliver('job.completed', jobCompleted(world.ids.direct, null));
    expect(await sendsFor(world.ids.direct, next)).toBe(1);
  });

  it('security mail is sent whatever the preferences say', async () => {
    await world.as('resellerB').put('/v1/notification-preferences', { webhooks: { email: false } });
    const warning = await world.deliver('webhook.endpoint_failing', {
      endpointId: randomUUID(),
      accountType: 'reseller',
      accountId: world.ids.resellerB,
      url: 'https://hooks.example.com/runfleet',
      failingSince: '2026-12-01T00:00:00.000Z',
      disableAt: '2026-12-06T00:00:00.000Z',
    });
    expect(await sendsFor(world.ids.resellerB, warning)).toBe(1);
  });

  it("a reseller's copy of its customer's job is not mailed to it, its copy of an overdue reminder is", async () => {
    const job = await world.deliver('job.completed', jobCompleted(world.ids.customerB, world.ids.resellerB));
    expect(await sendsFor(world.ids.customerB, job)).toBe(1);
    expect(await sendsFor(world.ids.resellerB, job)).toBe(0);
    const reminder = await world.deliver('wallet.overdue_reminder', {
      walletId: randomUUID(),
      ownerType: 'customer',
      customerId: world.ids.customerB,
      resellerId: world.ids.resellerB,
      balance: '-3.000000',
      currency: 'EUR',
      overdueSince: '2026-12-01T00:00:00.000Z',
      suspendAt: '2026-12-08T00:00:00.000Z',
    });
    expect(await sendsFor(world.ids.resellerB, reminder)).toBe(1);
  });
});
