import { randomUUID } from 'node:crypto';
import { serviceMigrationsSuite } from '@runfleet/test-infra';
import { createPrisma } from '../../src/db';
import { migrate } from '../../src/migrate';

const db = serviceMigrationsSuite({ service: 'reseller', migrate, createClient: (url) => createPrisma(url, { poolMax: 2 }) });

describe('reseller schema', () => {
  it('give a schema the generated client round-trips a reseller, customer, project, API key and audit event through', async () => {
    const reseller = await db.client.reseller.create({
      data: { name: 'Acme Resale', email: 'ops@acme.example', commissionRateBps: 1500, currency: 'EUR' },
    });
    const customer = await db.client.customer.create({
      data: { resellerId: reseller.id, name: 'Globex', email: 'it@globex.example', currency: 'EUR' },
    });
    const project = await db.client.project.create({ data: { customerId: customer.id, name: 'render farm' } });
    const apiKey = await db.client.apiKey.create({
      data: {
        lookupId: `lk${randomUUID().slice(0, 10)}`,
        secretHash: 'ab'.repeat(32),
        last4: 'wxyz',
        ownerType: 'customer',
        ownerId: customer.id,
        resellerId: reseller.id,
        name: 'ci',
        scopes: ['jobs:write'],
        allowedIps: ['10.0.0.0/8'],
        rateLimitPerMinute: 600,
        createdByType: 'reseller',
        createdById: reseller.id,
      },
    });
    const rotated = await db.client.apiKey.create({
      data: { ...apiKey, id: randomUUID(), lookupId: `lk${randomUUID().slice(0, 10)}`, rotatedFromId: apiKey.id },
    });
    const audit = await db.client.auditEvent.create({
      data: {
        actorType: 'admin',
        actorId: randomUUID(),
        action: 'reseller.commission_changed',
        targetType: 'reseller',
        targetId: reseller.id,
        details: { from: 1000, to: 1500 },
        resellerId: reseller.id,
      },
    });

    expect(reseller).toMatchObject({ active: true, tier: 'bronze', currency: 'EUR' });
    expect(await db.client.reseller.findUniqueOrThrow({ where: { id: reseller.id } })).toEqual(reseller);
    expect(await db.client.customer.findUniqueOrThrow({ where: { id: customer.id } })).toEqual(customer);
    expect(await db.client.project.findUniqueOrThrow({ where: { id: project.id } })).toEqual(project);
    expect(await db.client.apiKey.findUniqueOrThrow({ where: { id: apiKey.id } })).toEqual(apiKey);
    expect(await db.client.apiKey.findUniqueOrThrow({ where: { id: rotated.id } })).toEqual(rotated);
    expect(await db.client.auditEvent.findUniqueOrThrow({ where: { id: audit.id } })).toEqual(audit);
  });

  it('refuse a commission rate above 50 % even when written past the API', async () => {
    await expect(
      db.client.reseller.create({ data: { name: 'Greedy', email: 'g@example.com', commissionRateBps: 5001, currency: 'EUR' } }),
    ).rejects.toThrow();
  });

  it('give a schema the generated client round-trips a provider, offering, relationship, order and sale through', async () => {
    const reseller = await db.client.reseller.create({
      data: { name: 'Commerce Reseller', email: 'commerce@example.com', commissionRateBps: 1000, currency: 'EUR' },
    });
    const customer = await db.client.customer.create({
      data: { resellerId: reseller.id, name: 'Buyer', email: 'buyer@example.com', currency: 'EUR' },
    });
    const provider = await db.client.provider.create({ data: { name: `Acme Cloud ${randomUUID()}`, description: 'managed databases' } });
    const offering = await db.client.offering.create({
      data: { providerId: provider.id, name: 'Postgres S', basePriceMicros: 100_000_000n, currency: 'EUR', unit: 'month' },
    });
    const relationship = await db.client.resellerRelationship.create({
      data: { resellerId: reseller.id, providerId: provider.id, commissionBps: 1250 },
    });
    const order = await db.client.resellerOrder.create({
      data: {
        customerId: customer.id,
        resellerId: reseller.id,
        offeringId: offering.id,
        providerId: provider.id,
        offeringName: offering.name,
        unit: 'month',
        quantity: 1,
        commissionBps: 1250,
        basePriceMicros: 100_000_000n,
        commissionMicros: 12_500_000n,
        totalMicros: 112_500_000n,
        currency: 'EUR',
        details: { host: 'pg.example' },
      },
    });
    const sale = await db.client.resellerSale.create({
      data: {
        eventId: randomUUID(),
        resellerId: reseller.id,
        customerId: customer.id,
        sourceKind: 'order',
        sourceId: order.id,
        amountMicros: 112_500_000n,
        currency: 'EUR',
        occurredAt: new Date('2026-11-01T10:00:00.000Z'),
      },
    });

    const refund = await db.client.orderRefundRequest.create({
      data: { transactionId: randomUUID(), orderId: order.id, reason: 'duplicate_payment', amountMicros: 112_500_000n, currency: 'EUR', eventId: randomUUID() },
    });

    expect(relationship).toMatchObject({ status: 'active' });
    expect(order).toMatchObject({ status: 'pending', failureReason: null, externalOrderId: null });
    expect(await db.client.provider.findUniqueOrThrow({ where: { id: provider.id } })).toEqual(provider);
    expect(await db.client.offering.findUniqueOrThrow({ where: { id: offering.id } })).toEqual(offering);
    expect(await db.client.resellerRelationship.findUniqueOrThrow({ where: { id: relationship.id } })).toEqual(relationship);
    expect(await db.client.resellerOrder.findUniqueOrThrow({ where: { id: order.id } })).toEqual(order);
    expect(await db.client.resellerSale.findUniqueOrThrow({ where: { eventId: sale.eventId } })).toEqual(sale);
    expect(await db.client.orderRefundRequest.findUniqueOrThrow({ where: { transactionId: refund.transactionId } })).toEqual(refund);
    const claim = await db.client.idempotencyKey.create({ data: { scope: `customer:${customer.id}`, key: 'k-1', fingerprint: 'f', resourceId: order.id } });
    expect(await db.client.idempotencyKey.findUniqueOrThrow({ where: { scope_key: { scope: claim.scope, key: 'k-1' } } })).toEqual(claim);
    await expect(db.client.idempotencyKey.create({ data: { scope: claim.scope, key: 'k-1', fingerprint: 'g' } })).rejects.toThrow();
    await expect(
      db.client.orderRefundRequest.create({ data: { ...refund, transactionId: randomUUID(), reason: 'because' } }),
    ).rejects.toThrow();
  });

  it('refuse a second relationship for the same reseller and provider, a relationship above 50 %, and an order whose total is not base + commission', async () => {
    const reseller = await db.client.reseller.create({
      data: { name: 'Pair Reseller', email: 'pair@example.com', commissionRateBps: 0, currency: 'EUR' },
    });
    const customer = await db.client.customer.create({ data: { resellerId: reseller.id, name: 'C', email: 'c@example.com', currency: 'EUR' } });
    const provider = await db.client.provider.create({ data: { name: `Pair Provider ${randomUUID()}` } });
    const offering = await db.client.offering.create({
      data: { providerId: provider.id, name: 'X', basePriceMicros: 1n, currency: 'EUR', unit: 'unit' },
    });
    await db.client.resellerRelationship.create({ data: { resellerId: reseller.id, providerId: provider.id, commissionBps: 0 } });

    await expect(
      db.client.resellerRelationship.create({ data: { resellerId: reseller.id, providerId: provider.id, commissionBps: 10 } }),
    ).rejects.toThrow();
    await expect(db.client.provider.create({ data: { name: provider.name.toUpperCase() } })).rejects.toThrow();
    const other = await db.client.provider.create({ data: { name: `Other ${randomUUID()}` } });
    await expect(
      db.client.resellerRelationship.create({ data: { resellerId: reseller.id, providerId: other.id, commissionBps: 5001 } }),
    ).rejects.toThrow();
    await expect(
      db.client.resellerOrder.create({
        data: {
          customerId: customer.id,
          offeringId: offering.id,
          providerId: provider.id,
          offeringName: 'X',
          unit: 'unit',
          quantity: 1,
          commissionBps: 0,
          basePriceMicros: 10n,
          commissionMicros: 1n,
          totalMicros: 10n,
          currency: 'EUR',
        },
      }),
    ).rejects.toThrow();
  });

  it('give a schema the generated client round-trips a referral code, user, session and one-time token through, and refuse inconsistent users', async () => {
    const reseller = await db.client.reseller.create({ data: { name: 'People Reseller', email: 'people@example.com', commissionRateBps: 0, currency: 'EUR' } });
    const customer = await db.client.customer.create({ data: { resellerId: reseller.id, name: 'P', email: 'p@example.com', currency: 'EUR' } });
    const code = await db.client.referralCode.create({ data: { resellerId: reseller.id, code: 'SPRING-26', label: 'spring' } });
    const user = await db.client.appUser.create({
      data: { email: 'p@example.com', name: 'P', passwordHash: '$argon2id$x', role: 'customer', resellerId: reseller.id, customerId: customer.id, referralCodeId: code.id },
    });
    const session = await db.client.userSession.create({
      data: { lookupId: `ss${randomUUID().slice(0, 10)}`, secretHash: 'cd'.repeat(32), userId: user.id, lastSeenAt: new Date(), expiresAt: new Date(Date.now() + 60_000) },
    });
    const token = await db.client.userToken.create({ data: { userId: user.id, purpose: 'password_reset', tokenHash: 'ef'.repeat(32), expiresAt: new Date() } });

    expect(user).toMatchObject({ failedLogins: 0, lockedUntil: null, emailVerifiedAt: null, totpSecret: null });
    expect(await db.client.referralCode.findUniqueOrThrow({ where: { id: code.id } })).toEqual(code);
    expect(await db.client.appUser.findUniqueOrThrow({ where: { id: user.id } })).toEqual(user);
    expect(await db.client.userSession.findUniqueOrThrow({ where: { id: session.id } })).toEqual(session);
    expect(await db.client.userToken.findUniqueOrThrow({ where: { id: token.id } })).toEqual(token);
    const refused = [
      db.client.appUser.create({ data: { email: 'P@example.com', name: 'P', role: 'admin' } }),
      db.client.appUser.create({ data: { email: 'p@example.com', name: 'again', role: 'admin' } }),
      db.client.appUser.create({ data: { email: 'staff@example.com', name: 'S', role: 'reseller' } }),
      db.client.appUser.create({ data: { email: 'admin@example.com', name: 'A', role: 'admin', resellerId: reseller.id } }),
      db.client.appUser.create({ data: { email: 'c2@example.com', name: 'C', role: 'customer' } }),
      db.client.referralCode.create({ data: { resellerId: reseller.id, code: 'lower' } }),
      db.client.userToken.create({ data: { userId: user.id, purpose: 'login', tokenHash: 'aa'.repeat(32), expiresAt: new Date() } }),
    ];
    for (const attempt of refused) await expect(attempt).rejects.toThrow();
  });
});
