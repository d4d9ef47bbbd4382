// The one error type of Runfleet and the one path every error takes to become a problem+json
// body and a log line — for HTTP requests, consumers and process hooks alike (STYLE.md habit 9).
import { STATUS_CODES } from 'node:http';
import type { Logger } from 'pino';
import { z } from 'zod';
import { ContractError, type Problem, type ProblemFieldError } from '@runfleet/contracts';
import { currentCorrelationId } from './context';
import { inputRejectedByDatabase, isDatabaseUnavailable, sqlStateOf } from './database-errors';

export type FieldError = ProblemFieldError;

export interface AppErrorOptions {
  /** stable machine-readable code, AREA_REASON (`WALLET_INSUFFICIENT_FUNDS`) */
  code: string;
  status: number;
  /** short human summary; defaults to the HTTP reason phrase of `status` */
  title?: string;
  /** explanation specific to this occurrence; sent to the client, so never put secrets in it */
  detail?: string;
  errors?: FieldError[];
  cause?: unknown;
}

type FactoryExtra = Pick<AppErrorOptions, 'title' | 'errors' | 'cause'>;

const CODE_FORMAT = /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$/;

/** An expected failure with a stable code and an HTTP status; everything else is a 500. */
export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  readonly title: string;
  readonly detail?: string;
  readonly errors?: FieldError[];

  constructor(options: AppErrorOptions) {
    super(options.detail ?? options.title ?? options.code, { cause: options.cause });
    if (!CODE_FORMAT.test(options.code)) {
      throw new Error(`AppError code must be AREA_REASON, got "${options.code}"`);
    }
    this.name = 'AppError';
    this.code = options.code;
    this.status = options.status;
    this.title = options.title ?? STATUS_CODES[options.status] ?? 'Error';
    if (options.detail !== undefined) this.detail = options.detail;
    if (options.errors !== undefined) this.errors = options.errors;
  }

  static badRequest(code: string, detail?: string, extra?: FactoryExtra): AppError {
    return new AppError({ code, status: 400, detail, ...extra });
  }
  static unauthorized(code: string, detail?: string, extra?: FactoryExtra): AppError {
    return new AppError({ code, status: 401, detail, ...extra });
  }
  static forbidden(code: string, detail?: string, extra?: FactoryExtra): AppError {
    return new AppError({ code, status: 403, detail, ...extra });
  }
  static notFound(code: string, detail?: string, extra?: FactoryExtra): AppError {
    return new AppError({ code, status: 404, detail, ...extra });
  }
  static conflict(code: string, detail?: string, extra?: FactoryExtra): AppError {
    return new AppError({ code, status: 409, detail, ...extra });
  }
  static payloadTooLarge(code: string, detail?: string, extra?: FactoryExtra): AppError {
    return new AppError({ code, status: 413, detail, ...extra });
  }
  static unsupportedMediaType(code: string, detail?: string, extra?: FactoryExtra): AppError {
    return new AppError({ code, status: 415, detail, ...extra });
  }
  static unprocessable(code: string, detail?: string, extra?: FactoryExtra): AppError {
    return new AppError({ code, status: 422, detail, ...extra });
  }
  static tooManyRequests(code: string, detail?: string, extra?: FactoryExtra): AppError {
    return new AppError({ code, status: 429, detail, ...extra });
  }
  static internal(code: string, detail?: string, extra?: FactoryExtra): AppError {
    return new AppError({ code, status: 500, detail, ...extra });
  }
  static badGateway(code: string, detail?: string, extra?: FactoryExtra): AppError {
    return new AppError({ code, status: 502, detail, ...extra });
  }
  static serviceUnavailable(code: string, detail?: string, extra?: FactoryExtra): AppError {
    return new AppError({ code, status: 503, detail, ...extra });
  }
  static gatewayTimeout(code: string, detail?: string, extra?: FactoryExtra): AppError {
    return new AppError({ code, status: 504, detail, ...extra });
  }
}

/** Problem `type` URI for a code: a URN, because there is no public documentation site to point at. */
export function problemType(code: string): string {
  return `urn:runfleet:problem:${code.toLowerCase().replace(/_/g, '-')}`;
}

const INTERNAL_DETAIL = 'An unexpected error occurred. Quote the correlation id when reporting it.';

/**
 * Per-parse zod error map: a missing value reads "is required" instead of zod's "expected string,
 * received undefined". Passed per parse, so messages a schema sets itself still win.
 */
export const missingAsRequired: z.core.$ZodErrorMap = (issue) =>
  issue.code === 'invalid_type' && issue.input === undefined ? 'is required' : undefined;

/** Dotted field path (`body.items.0.amount`) for a zod issue path, under an optional location prefix. */
export function fieldPath(path: readonly PropertyKey[], prefix?: string): string {
  const parts = path.map((p) => String(p));
  if (prefix) parts.unshift(prefix);
  return parts.length > 0 ? parts.join('.') : 'body';
}

/** One field error per zod issue; an unrecognized key is reported under its own name (`body.resellerId`). */
export function zodFieldErrors(error: z.ZodError, prefix?: string): FieldError[] {
  const result: FieldError[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        result.push({ field: fieldPath([...issue.path, key], prefix), message: 'is not an allowed field' });
      }
    } else {
      result.push({ field: fieldPath(issue.path, prefix), message: issue.message });
    }
  }
  return result;
}

/** The failure body-parser (behind express.json) reports: an http-errors object with a `type`. */
interface BodyParserError {
  type: string;
  status: number;
  expose?: boolean;
}

function isBodyParserError(err: unknown): err is BodyParserError {
  return (
    typeof err === 'object' &&
    err !== null &&
    typeof (err as { type?: unknown }).type === 'string' &&
    typeof (err as { status?: unknown }).status === 'number'
  );
}

function fromBodyParser(err: BodyParserError): AppError | undefined {
  switch (err.type) {
    case 'entity.too.large':
      return AppError.payloadTooLarge('REQUEST_TOO_LARGE', 'The request body exceeds the size limit.');
    case 'entity.parse.failed':
      return AppError.badRequest('REQUEST_MALFORMED_JSON', 'The request body is not valid JSON.', {
        errors: [{ field: 'body', message: 'is not valid JSON' }],
      });
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return AppError.unsupportedMediaType('REQUEST_ENCODING_UNSUPPORTED', 'The request body encoding is not supported.');
    case 'request.aborted':
    case 'request.size.invalid':
      return AppError.badRequest('REQUEST_BODY_INCOMPLETE', 'The request body was not received completely.');
    default:
      return undefined;
  }
}

/** Maps any thrown value to an AppError; unknown failures become a generic 500 that leaks nothing. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof z.ZodError) {
    return AppError.badRequest('VALIDATION_FAILED', 'The request is invalid.', {
      errors: zodFieldErrors(err),
      cause: err,
    });
  }
  if (isBodyParserError(err)) {
    const mapped = fromBodyParser(err);
    if (mapped) return mapped;
  }
  // Bad input caught by a contracts helper (a money string, a cursor) is the caller's mistake.
  if (err instanceof ContractError && err.status < 500) {
    return new AppError({ code: err.code, status: err.status, detail: err.message, errors: err.errors, cause: err });
  }
  // Validation should have refused it; when the database does instead, it is still the caller's
  // input, not an outage: a 500 here let one tenant's requests open the gateway's breaker for all
  // (issue 12). The database's message is not passed on: it can quote SQL and the value itself.
  if (inputRejectedByDatabase(err) !== undefined) {
    return AppError.badRequest('REQUEST_INVALID_VALUE', 'A value in the request cannot be stored (not valid text, too long, out of range or missing).', {
      cause: err,
    });
  }
  // The database restarting or unreachable is an outage the caller can wait out, not a bug: 503
  // with Retry-After (problemErrorHandler), which clients and the gateway treat as "try again".
  if (isDatabaseUnavailable(err)) {
    return AppError.serviceUnavailable('DATABASE_UNAVAILABLE', 'The service cannot reach its database right now; retry shortly.', { cause: err });
  }
  return new AppError({ code: 'INTERNAL_ERROR', status: 500, detail: INTERNAL_DETAIL, cause: err });
}

/** The RFC 9457 body for any thrown value (contracts' problemSchema). */
export function toProblem(err: unknown, correlationId: string | undefined = currentCorrelationId(), instance?: string): Problem {
  const appError = toAppError(err);
  const problem: Problem = {
    type: problemType(appError.code),
    title: appError.title,
    status: appError.status,
    code: appError.code,
  };
  if (appError.detail !== undefined) problem.detail = appError.detail;
  if (instance !== undefined) problem.instance = instance;
  if (correlationId !== undefined) problem.correlationId = correlationId;
  if (appError.errors !== undefined && appError.errors.length > 0) problem.errors = appError.errors;
  return problem;
}

/**
 * Logs a failure the one way: 5xx (bugs, outages) at error with the original error and stack,
 * 4xx (the caller's mistake) at info without stack — they are expected and would drown real errors;
 * a value only the database refused at warn, since validation should have caught it.
 */
export function logError(logger: Logger, err: unknown, problem: Problem = toProblem(err), extra: Record<string, unknown> = {}): void {
  if (problem.status >= 500) {
    logger.error({ ...extra, err, code: problem.code, status: problem.status }, problem.title);
  } else if (problem.code === 'REQUEST_INVALID_VALUE') {
    // The database, not validation, caught this input: a gap in a schema worth fixing. The SQLSTATE
    // says which; the error's message is left out because it can quote the value.
    logger.warn({ ...extra, code: problem.code, status: problem.status, sqlState: sqlStateOf(err) }, problem.detail ?? problem.title);
  } else {
    logger.info({ ...extra, code: problem.code, status: problem.status, errors: problem.errors }, problem.detail ?? problem.title);
  }
}

/**
 * Handler for process hooks (uncaughtException, unhandledRejection) and start-up failures:
 * same mapping as HTTP, logged at fatal. The caller decides to exit.
 */
export function reportFatal(logger: Logger): (err: unknown, origin: string) => void {
  return (err, origin) => {
    const problem = toProblem(err);
    logger.fatal({ err, origin, code: problem.code }, `fatal: ${origin}`);
  };
}
