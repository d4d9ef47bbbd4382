import { decodeCursor } from '@runfleet/contracts';
import { z } from 'zod';
import { problemSchema } from '@runfleet/contracts';
import { AppError, toProblem } from '../../src';

describe('toProblem', () => {
  it('keeps the code, status and detail of an AppError', () => {
    const problem = toProblem(AppError.conflict('WALLET_ALREADY_EXISTS', 'Customer cus_1 already has a wallet.'), 'corr-1');
    expect(problem).toEqual({
      type: 'urn:runfleet:problem:wallet-already-exists',
      title: 'Conflict',
      status: 409,
      code: 'WALLET_ALREADY_EXISTS',
      detail: 'Customer cus_1 already has a wallet.',
      correlationId: 'corr-1',
    });
    expect(problemSchema.safeParse(problem).success).toBe(true);
  });

  it('turns a zod error into 400 VALIDATION_FAILED naming each field', () => {
    const schema = z.object({ amount: z.string(), items: z.array(z.object({ qty: z.number() })) });
    const result = schema.safeParse({ amount: 5, items: [{ qty: 'x' }] });
    const problem = toProblem(result.error, 'corr-1');
    expect(problem.status).toBe(400);
    expect(problem.code).toBe('VALIDATION_FAILED');
    expect(problem.errors?.map((e) => e.field)).toEqual(['amount', 'items.0.qty']);
  });

  it('hides the message and stack of an unexpected error behind a generic 500', () => {
    const problem = toProblem(new Error('relation "wallets" does not exist at /srv/app.js:1'), 'corr-1');
    expect(problem).toMatchObject({ status: 500, code: 'INTERNAL_ERROR', correlationId: 'corr-1' });
    expect(JSON.stringify(problem)).not.toMatch(/wallets|app\.js/);
  });

  it('turns bad input caught by a contracts helper into a 400 naming the field', () => {
    let thrown: unknown;
    try {
      decodeCursor('not-a-cursor!', z.object({ after: z.string() }));
    } catch (err) {
      thrown = err;
    }

    const problem = toProblem(thrown, 'c-1');

    expect(problem).toMatchObject({ status: 400, code: 'PAGINATION_INVALID_CURSOR', errors: [{ field: 'cursor' }] });
  });

  it('maps thrown non-errors to 500 too', () => {
    expect(toProblem('boom', 'c').code).toBe('INTERNAL_ERROR');
    expect(toProblem(undefined, 'c').status).toBe(500);
  });

  it('refuses codes that are not AREA_REASON', () => {
    expect(() => AppError.badRequest('invalid')).toThrow(/AREA_REASON/);
  });
});
