// The ledger is append-only in the database itself (issue 15 item 2, acceptance "Ledger
// immutability"): whoever connects, UPDATE, DELETE and TRUNCATE on ledger_entry fail and change nothing.
import { createWorld, UNIT, type World } from '../support/world';

jest.setTimeout(60_000);

let world: World;

beforeAll(async () => {
  world = await createWorld('billing_ledger_immutable');
  await world.fund(world.wallets.customerA, 100n * UNIT);
});

afterAll(async () => {
  await world?.close();
});

describe('the ledger is append-only', () => {
  it('refuses UPDATE of an entry, and the entry is unchanged', async () => {
    const before = await world.prisma.ledgerEntry.findFirstOrThrow({ where: { walletId: world.wallets.customerA } });
    await expect(world.prisma.$executeRawUnsafe(`UPDATE "ledger_entry" SET "amount" = "amount" + 1 WHERE "id" = '${before.id}'`)).rejects.toThrow(/append-only/);
    expect(await world.prisma.ledgerEntry.findUniqueOrThrow({ where: { id: before.id } })).toEqual(before);
  });

  it('refuses DELETE and TRUNCATE, and every entry stays', async () => {
    const count = await world.count('ledger_entry');
    expect(count).toBeGreaterThan(0);
    await expect(world.prisma.$executeRawUnsafe('DELETE FROM "ledger_entry"')).rejects.toThrow(/append-only/);
    await expect(world.prisma.$executeRawUnsafe('TRUNCATE "ledger_entry" CASCADE')).rejects.toThrow(/append-only/);
    expect(await world.count('ledger_entry')).toBe(count);
  });
});
