// RFC 9457 problem details: the one error body every HTTP API of Runfleet returns (DESIGN.md §8).
import { z } from 'zod';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export const problemFieldErrorSchema = z.object({
  /** dotted path of the offending field, e.g. `body.amount` or `query.limit` */
  field: z.string(),
  message: z.string(),
});

export const problemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int().min(400).max(599),
  detail: z.string().optional(),
  instance: z.string().optional(),
  /** stable machine-readable code, AREA_REASON */
  code: z.string().regex(/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$/),
  correlationId: z.string().optional(),
  errors: z.array(problemFieldErrorSchema).optional(),
});
export type Problem = z.infer<typeof problemSchema>;
export type ProblemFieldError = z.infer<typeof problemFieldErrorSchema>;
