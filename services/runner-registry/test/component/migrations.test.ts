import { serviceMigrationsSuite } from '@runfleet/test-infra';
import { createPrisma } from '../../src/db';
import { migrate } from '../../src/migrate';

// runner-registry's migrations: the messaging tables, then the registry's own domain (issue 14).
serviceMigrationsSuite({ service: 'runner-registry', migrate, createClient: (url) => createPrisma(url, { poolMax: 2 }) });
