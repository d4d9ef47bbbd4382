// The node-postgres pool settings every service's database client uses (Prisma 7's driver adapter
// and, in the reseller, the pool beside it), in one place. Plain settings: the kit needs no pg.

export interface DatabasePoolOptions {
  /** most connections this process opens (pg pool `max`); default 10 */
  poolMax?: number;
  /** give up opening a connection after this long; default 5000 ms */
  connectionTimeoutMs?: number;
  /** an idle pooled connection failed (e.g. the database restarted); the pool replaces it */
  onPoolError?: (error: Error) => void;
}

export interface DatabasePoolConfig {
  connectionString: string;
  max: number;
  connectionTimeoutMillis: number;
  /** `runfleet-<service>`: names the service's connections in pg_stat_activity */
  application_name: string;
}

/** The pg pool configuration of `service`'s connections to `databaseUrl`. */
export function databasePoolConfig(service: string, databaseUrl: string, options: DatabasePoolOptions = {}): DatabasePoolConfig {
  return {
    connectionString: databaseUrl,
    max: options.poolMax ?? 10,
    connectionTimeoutMillis: options.connectionTimeoutMs ?? 5000,
    application_name: `runfleet-${service}`,
  };
}
