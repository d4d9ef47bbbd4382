import { serviceMigrationsSuite } from '@runfleet/test-infra';
import { createPrisma } from '../../src/db';
import { migrate } from '../../src/migrate';

// billing's migrations: the messaging tables every service has, then the money core (its own
// tables are exercised by the other component suites).
serviceMigrationsSuite({ service: 'billing', migrate, createClient: (url) => createPrisma(url, { poolMax: 2 }) });
