// The real reseller service in-process (issue 5's acceptance runs against it): its app on port 0
// over a fresh migrated database, its outbox relay publishing to the suite's vhost (so revoking a
// key through the API really emits apikey.revoked), and a bootstrap admin key minted the way the
// create-admin-key CLI does it.
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { createMessaging, type Messaging } from '@runfleet/messaging';
import { createHealth, createLogger, createMetrics, listen } from '@runfleet/service-kit';
import { createTestDatabase, type TestDatabase } from '@runfleet/test-infra';
import { createDatabase, type PrismaClient } from '../../../reseller/src/db';
import { createApiKey } from '../../../reseller/src/domain/api-keys';
import { buildApp } from '../../../reseller/src/http/app';
import { migrate } from '../../../reseller/src/migrate';
import { PRINCIPAL_SECRET } from './gateway-under-test';

export const API_KEY_PEPPER = 'test-api-key-pepper-of-at-least-32-characters';

export interface ResellerUnderTest {
  url: string;
  db: TestDatabase;
  prisma: PrismaClient;
  messaging: Messaging;
  /** a bootstrap admin key (raw) */
  adminKey: string;
  close(): Promise<void>;
}

export async function startReseller(amqpUrl: string): Promise<ResellerUnderTest> {
  const db = await createTestDatabase('gateway_reseller');
  await migrate(db.url);
  const { prisma, pool } = createDatabase(db.url, { poolMax: 5 });
  const logger = createLogger({ service: 'reseller', level: 'silent' });
  const metrics = createMetrics('reseller');
  const messaging = createMessaging({ service: 'reseller', amqpUrl, databaseUrl: db.url, logger, registry: metrics.registry });
  messaging.startRelay();
  const app = buildApp({ prisma, pool, logger, metrics, health: createHealth([]), principalSecret: PRINCIPAL_SECRET, apiKeyPepper: API_KEY_PEPPER });
  const adminId = randomUUID();
  const issued = await createApiKey(
    { prisma, now: () => new Date(), apiKeyPepper: API_KEY_PEPPER },
    { type: 'admin', id: adminId },
    { name: 'gateway test admin', ownerType: 'admin', ownerId: adminId },
  );
  const server: Server = await listen(app, 0);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    db,
    prisma,
    messaging,
    adminKey: issued.key,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await messaging.close();
      await prisma.$disconnect();
      await db.drop();
    },
  };
}
