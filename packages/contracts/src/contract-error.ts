// The base of every error the contracts throw for bad input, shaped so one HTTP error path can map
// any of them to a 4xx problem+json body naming the offending fields (DESIGN.md §7, §8).
import type { ProblemFieldError } from './problem';

export abstract class ContractError extends Error {
  /** stable machine-readable code, AREA_REASON */
  abstract readonly code: string;
  /** the HTTP status a request carrying this input deserves */
  readonly status: number = 400;
  readonly errors: ProblemFieldError[];

  constructor(message: string, errors: ProblemFieldError[]) {
    super(message);
    this.name = new.target.name;
    this.errors = errors;
  }
}
