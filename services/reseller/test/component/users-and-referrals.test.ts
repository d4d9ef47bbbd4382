// People by admins and resellers, and referral codes (issue 19): invitations that set the first
// password through the reset link, who lists whom, and sign-ups by a reseller's referral code that
// become its customers and are counted per code.
import { createWorld, outboxEvents, type World } from '../support/world';
import { logIn, mailedToken, OTHER_STRONG_PASSWORD, publicPost, sessionPrincipal, signUpVerified, STRONG_PASSWORD } from '../support/accounts';

let world: World;

beforeAll(async () => {
  world = await createWorld('reseller_users');
}, 60_000);

afterAll(async () => {
  await world?.close();
});

jest.setTimeout(30_000);

describe('inviting people', () => {
  it('an admin invites reseller staff, who set their password from the mailed link and sign in as their reseller', async () => {
    const res = await world.as('admin').post('/v1/users', { email: 'Staff@ResellerA.example', name: 'Staff A', role: 'reseller', resellerId: world.ids.resellerA });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.any(String),
      email: 'staff@resellera.example',
      name: 'Staff A',
      role: 'reseller',
      resellerId: world.ids.resellerA,
      customerId: null,
      emailVerified: false,
      totpEnabled: false,
    });
    expect((await publicPost(world, '/v1/auth/login', { email: 'staff@resellera.example', password: STRONG_PASSWORD })).status).toBe(401);

    const token = await mailedToken(world, 'user.invited', 'staff@resellera.example');
    expect((await publicPost(world, '/v1/auth/password-reset/confirm', { token, password: STRONG_PASSWORD })).status).toBe(204);
    const signedIn = await logIn(world, 'staff@resellera.example');
    expect(signedIn.user).toMatchObject({ emailVerified: true, role: 'reseller' });
    expect(await sessionPrincipal(world, signedIn.token)).toMatchObject({ type: 'reseller', id: world.ids.resellerA, resellerId: world.ids.resellerA });
  });

  it('a reseller invites users for its own customers only; a customer may not invite', async () => {
    const own = await world.as('resellerA').post('/v1/users', { email: 'buyer@customer-a.example', name: 'Buyer', role: 'customer', customerId: world.ids.customerA });
    expect(own.status).toBe(201);
    expect(own.body).toMatchObject({ role: 'customer', customerId: world.ids.customerA, resellerId: world.ids.resellerA });

    const before = await world.count('app_user');
    const foreign = await world.as('resellerA').post('/v1/users', { email: 'x@customer-b.example', name: 'X', role: 'customer', customerId: world.ids.customerB });
    const otherStaff = await world.as('resellerA').post('/v1/users', { email: 'y@reseller-b.example', name: 'Y', role: 'reseller', resellerId: world.ids.resellerB });
    const admin = await world.as('resellerA').post('/v1/users', { email: 'z@example.com', name: 'Z', role: 'admin' });
    const byCustomer = await world.as('customerA').post('/v1/users', { email: 'w@example.com', name: 'W', role: 'customer', customerId: world.ids.customerA });
    expect([foreign.status, otherStaff.status, admin.status, byCustomer.status]).toEqual([404, 404, 403, 403]);
    expect(await world.count('app_user')).toBe(before);
    expect((await outboxEvents(world.prisma, 'user.invited')).map((e) => e.email)).not.toContain('x@customer-b.example');
  });

  it('refuses a registered email with 409 naming body.email, and a role without its link with 400 naming the field', async () => {
    await world.as('admin').post('/v1/users', { email: 'dup@example.com', name: 'Dup', role: 'admin' });
    const again = await world.as('admin').post('/v1/users', { email: 'DUP@example.com', name: 'Dup', role: 'admin' });
    expect(again.status).toBe(409);
    expect(again.body.errors).toEqual([{ field: 'body.email', message: expect.any(String) }]);
    const noCustomer = await world.as('admin').post('/v1/users', { email: 'nolink@example.com', name: 'N', role: 'customer' });
    expect(noCustomer.status).toBe(400);
    expect(noCustomer.body.errors).toEqual([{ field: 'body.customerId', message: expect.any(String) }]);
  });

  it('lists every user to an admin, and to a reseller only its staff and its customers’ users', async () => {
    await world.as('admin').post('/v1/users', { email: 'staff@resellerb.example', name: 'Staff B', role: 'reseller', resellerId: world.ids.resellerB });
    const all = await world.as('admin').get('/v1/users?limit=100');
    const mine = await world.as('resellerA').get('/v1/users?limit=100');
    expect(all.status).toBe(200);
    expect(all.body.items.map((u: { email: string }) => u.email)).toEqual(expect.arrayContaining(['staff@resellerb.example', 'staff@resellera.example']));
    expect(mine.body.items.length).toBeGreaterThan(0);
    expect(mine.body.items.every((u: { resellerId: string }) => u.resellerId === world.ids.resellerA)).toBe(true);
    expect((await world.as('customerA').get('/v1/users')).status).toBe(403);
  });
});

describe('referral codes', () => {
  it('a sign-up with a reseller’s code (any case) becomes that reseller’s customer and is counted on the code', async () => {
    const created = await world.as('resellerA').post('/v1/resellers/me/referral-codes', { code: 'Spring-26', label: 'spring' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ code: 'SPRING-26', label: 'spring', signups: 0 });

    await signUpVerified(world, 'referred@example.com', { referralCode: 'spring-26' });

    const user = await world.prisma.appUser.findUniqueOrThrow({ where: { email: 'referred@example.com' }, select: { customerId: true, resellerId: true } });
    const customer = await world.prisma.customer.findUniqueOrThrow({ where: { id: user.customerId ?? '' } });
    expect([user.resellerId, customer.resellerId]).toEqual([world.ids.resellerA, world.ids.resellerA]);
    expect((await outboxEvents(world.prisma, 'user.registered')).find((e) => e.email === 'referred@example.com')).toMatchObject({ referralCode: 'SPRING-26', resellerId: world.ids.resellerA });
    const listed = await world.as('resellerA').get('/v1/resellers/me/referral-codes');
    expect(listed.body.items).toEqual([expect.objectContaining({ id: created.body.id, signups: 1 })]);
    const signups = await world.as('resellerA').get(`/v1/resellers/me/referral-codes/${created.body.id}/signups`);
    expect(signups.body.items).toEqual([expect.objectContaining({ email: 'referred@example.com', customerId: customer.id, emailVerified: true })]);
    const principal = await sessionPrincipal(world, (await logIn(world, 'referred@example.com')).token);
    expect(principal).toMatchObject({ type: 'customer', id: customer.id, resellerId: world.ids.resellerA });
  });

  it('hides a reseller’s codes and sign-ups from other resellers and other roles', async () => {
    const code = (await world.as('resellerA').post('/v1/resellers/me/referral-codes', {})).body;
    expect(code.code).toMatch(/^[0-9A-Z]{10}$/);
    expect((await world.as('resellerB').get(`/v1/resellers/me/referral-codes/${code.id}/signups`)).status).toBe(404);
    expect((await world.as('resellerB').get('/v1/resellers/me/referral-codes')).body.items).toEqual([]);
    expect((await world.as('customerA').get('/v1/resellers/me/referral-codes')).status).toBe(403);
    expect((await world.as('admin').post('/v1/resellers/me/referral-codes', {})).status).toBe(403);
  });

  it('refuses an unknown code at sign-up with 422 naming body.referralCode, writing nothing, and a taken code with 409', async () => {
    const before = await world.count('customer');
    const res = await publicPost(world, '/v1/auth/signup', { email: 'lost@example.com', password: OTHER_STRONG_PASSWORD, name: 'Lost', referralCode: 'NO-SUCH-CODE' });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'REFERRAL_CODE_UNKNOWN', errors: [{ field: 'body.referralCode' }] });
    expect(await world.count('customer')).toBe(before);
    await world.as('resellerB').post('/v1/resellers/me/referral-codes', { code: 'TAKEN-1' });
    const taken = await world.as('resellerA').post('/v1/resellers/me/referral-codes', { code: 'taken-1' });
    expect(taken.status).toBe(409);
    expect(taken.body.errors).toEqual([{ field: 'body.code', message: expect.any(String) }]);
  });
});
