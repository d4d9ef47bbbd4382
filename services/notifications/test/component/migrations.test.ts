import { serviceMigrationsSuite } from '@runfleet/test-infra';
import { createPrisma } from '../../src/db';
import { migrate } from '../../src/migrate';

// notifications's schema: the messaging tables and the webhook tables (issue 17).
serviceMigrationsSuite({ service: 'notifications', migrate, createClient: (url) => createPrisma(url, { poolMax: 2 }) });
