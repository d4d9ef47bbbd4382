import { serviceMigrationsSuite } from '@runfleet/test-infra';
import { createPrisma } from '../../src/db';
import { migrate } from '../../src/migrate';

// billing's schema so far is the messaging tables; its own models arrive with its issue.
serviceMigrationsSuite({ service: 'billing', migrate, createClient: (url) => createPrisma(url, { poolMax: 2 }) });
