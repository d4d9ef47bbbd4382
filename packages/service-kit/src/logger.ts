// The one logger factory: JSON lines with the service name and the correlation id of the
// current request or message on every line, secrets redacted before anything is written (DESIGN.md §7, §9).
import { hostname } from 'node:os';
import pino, { type DestinationStream, type Level, type Logger } from 'pino';
import { currentContext } from './context';
import { maskUrlCredentials } from './credentials';

export type { Logger } from 'pino';

/** Keys whose values are secrets wherever they appear in a logged object. */
export const SECRET_KEYS = [
  'token',
  'password',
  'secret',
  'apiKey',
  'api_key',
  'rawKey',
  'key',
  'databaseUrl',
  'DATABASE_URL',
  'connectionString',
] as const;

const SECRET_HEADERS = ['authorization', 'x-api-key', 'cookie', 'x-runfleet-principal'] as const;

// pino's redaction takes explicit paths ('*' matches one level), so each key is listed at
// depths 0-4: deep enough for request bodies and nested config, still compiled once at start.
const KEY_DEPTHS = ['', '*.', '*.*.', '*.*.*.', '*.*.*.*.'];

function redactPaths(): string[] {
  const paths: string[] = [];
  for (const key of SECRET_KEYS) {
    for (const depth of KEY_DEPTHS) paths.push(`${depth}${key}`);
  }
  for (const header of SECRET_HEADERS) {
    // req.headers is what pino-http logs; the bare forms cover headers logged by hand or by HTTP clients.
    for (const base of ['req.headers', 'headers', '*.headers']) paths.push(`${base}["${header}"]`);
  }
  paths.push('res.headers["set-cookie"]');
  return paths;
}

export const REDACTED = '[REDACTED]';

export interface LoggerOptions {
  service: string;
  level?: Level | 'silent';
  /** where lines go; stdout when omitted (tests pass an in-memory stream) */
  destination?: DestinationStream;
}

export function createLogger({ service, level = 'info', destination }: LoggerOptions): Logger {
  return pino(
    {
      level,
      base: { service, pid: process.pid, hostname: hostname() },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        // "level":"info" reads better in log tooling than pino's numeric 30.
        level: (label) => ({ level: label }),
      },
      // The correlation id comes from context.ts only, so code never has to pass it around.
      mixin() {
        const context = currentContext();
        if (!context) return {};
        const fields: Record<string, string> = { correlationId: context.correlationId };
        if (context.causationId) fields.causationId = context.causationId;
        if (context.requestId) fields.requestId = context.requestId;
        return fields;
      },
      redact: { paths: redactPaths(), censor: REDACTED },
      hooks: {
        // Masking the finished line catches a credential-bearing URL wherever it sits — message,
        // error message and stack (drivers put the connection string there), nested fields —
        // which key-based redaction cannot; the includes('://') pre-check keeps it cheap.
        streamWrite: maskUrlCredentials,
      },
    },
    destination ?? pino.destination({ dest: 1, sync: true }),
  );
}
