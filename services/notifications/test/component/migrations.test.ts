import { serviceMigrationsSuite } from '@runfleet/test-infra';
import { createPrisma } from '../../src/db';
import { migrate } from '../../src/migrate';

// notifications's schema so far is the messaging tables; its own models arrive with its issue.
serviceMigrationsSuite({ service: 'notifications', migrate, createClient: (url) => createPrisma(url, { poolMax: 2 }) });
