// Configuration from the environment: one zod schema, validated once at boot; a bad value stops
// start-up with one readable line that never echoes a secret (STYLE.md habit 12, DESIGN.md §7).
import { z } from 'zod';
import { maskUrlCredentials } from './credentials';
import { missingAsRequired } from './errors';

export type Env = Record<string, string | undefined>;

export interface ConfigIssue {
  /** the environment variable (or dotted path for nested schemas) */
  variable: string;
  message: string;
}

/** Thrown by parseConfig; its message is the one line loadConfig prints. */
export class ConfigError extends Error {
  readonly issues: ConfigIssue[];
  constructor(issues: ConfigIssue[], service?: string) {
    const prefix = service ? `runfleet ${service}` : 'runfleet';
    super(`${prefix}: invalid configuration: ${issues.map((i) => `${i.variable} ${i.message}`).join('; ')}`);
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

const SENSITIVE_NAME = /SECRET|PASSWORD|TOKEN|KEY|URL/i;
const URL_NAME = /URL/i;

/** What may be shown of a bad value: URLs with their password masked, other secrets only by length. */
function describeValue(variable: string, value: string | undefined): string {
  if (value === undefined) return '';
  if (!SENSITIVE_NAME.test(variable)) return ` (got ${JSON.stringify(value)})`;
  if (URL_NAME.test(variable)) return ` (got ${JSON.stringify(maskUrlCredentials(value))})`;
  return ` (got ${value.length} characters)`;
}

export interface ConfigOptions {
  /** named in the error line: `runfleet billing: invalid configuration: ...` */
  service?: string;
}

/** Validates `env` against `schema`; throws a ConfigError naming every bad variable. */
export function parseConfig<S extends z.ZodType>(schema: S, env: Env = process.env, options: ConfigOptions = {}): z.infer<S> {
  const result = schema.safeParse(env, { error: missingAsRequired });
  if (result.success) return result.data;
  const issues: ConfigIssue[] = result.error.issues.map((issue) => {
    const variable = issue.path.map(String).join('.') || '(environment)';
    const first = issue.path[0];
    const raw = typeof first === 'string' ? env[first] : undefined;
    const shown = issue.path.length === 1 ? describeValue(variable, raw) : '';
    return { variable, message: `${issue.message}${shown}` };
  });
  throw new ConfigError(issues, options.service);
}

/** parseConfig for a service's main: on a bad value prints one line to stderr and exits 1. */
export function loadConfig<S extends z.ZodType>(schema: S, env: Env = process.env, options: ConfigOptions = {}): z.infer<S> {
  try {
    return parseConfig(schema, env, options);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\n`);
    return process.exit(1);
  }
}

function urlWithScheme(schemes: readonly string[], message: string) {
  return z
    .string()
    .trim()
    .refine((value) => {
      try {
        return schemes.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    }, message);
}

export const postgresUrl = () => urlWithScheme(['postgresql:', 'postgres:'], 'must be a postgresql:// URL');
export const amqpUrl = () => urlWithScheme(['amqp:', 'amqps:'], 'must be an amqp:// URL');
export const redisUrl = () => urlWithScheme(['redis:', 'rediss:'], 'must be a redis:// URL');
export const httpUrl = () => urlWithScheme(['http:', 'https:'], 'must be an http(s):// URL');

/** A TCP port from a string; 0 lets the OS pick (tests). */
export const port = () =>
  z
    .string()
    .trim()
    .regex(/^\d{1,5}$/, 'must be a port number (0-65535)')
    .transform(Number)
    .refine((n) => n <= 65535, 'must be a port number (0-65535)');

/** A positive whole number from a string (timeouts, sizes, intervals). */
export const positiveInt = () =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, 'must be a positive whole number')
    .transform(Number)
    .refine((n) => n > 0 && Number.isSafeInteger(n), 'must be a positive whole number');

/**
 * A setting in a service's own text format (a list, a schedule), parsed at boot by `parse`; when
 * it throws, start-up stops naming the variable and the parser's message.
 */
export function parsedSetting<T>(fallback: string, parse: (text: string) => T) {
  return z
    .string()
    .default(fallback)
    .transform((text, ctx) => {
      try {
        return parse(text);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: err instanceof Error ? err.message : String(err) });
        return z.NEVER;
      }
    });
}

export const secret = (minLength = 32) => z.string().min(minLength, `must be at least ${minLength} characters`);

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export const logLevel = () =>
  z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` });

/**
 * Variables every service reads. Spread into the service's schema and override PORT with the
 * service's default: `z.object({ ...baseServiceConfig, PORT: port().default(8082), DATABASE_URL: postgresUrl() })`.
 */
export const baseServiceConfig = {
  PORT: port(),
  LOG_LEVEL: logLevel().default('info'),
  /** HMAC key shared by the gateway and the services (DESIGN.md §7) */
  PRINCIPAL_SECRET: secret(32),
  AMQP_URL: amqpUrl(),
  SHUTDOWN_TIMEOUT_MS: positiveInt().default(10000),
};
