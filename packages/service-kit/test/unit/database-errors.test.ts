// Reading a SQLSTATE however the database error reaches the kit, and which ones are the caller's
// input (issue 12 defect 1). Shapes copied from real failures: node-postgres' DatabaseError, and
// Prisma 7's PrismaClientKnownRequestError around adapter-pg's DriverAdapterError.
import { inputRejectedByDatabase, sqlStateOf, toProblem } from '../../src';

const pgError = (code: string) => Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), { code, severity: 'ERROR' });
const prismaError = (code: string) =>
  Object.assign(new Error('Database error. Code: `22021`.'), {
    name: 'PrismaClientKnownRequestError',
    code: 'P2039',
    meta: { modelName: 'Project', driverAdapterError: { name: 'DriverAdapterError', cause: { originalCode: code, kind: 'postgres', code } } },
  });

describe('the SQLSTATE of a database error', () => {
  it('is read from node-postgres, from Prisma through its driver adapter, and through a cause', () => {
    expect(sqlStateOf(pgError('22021'))).toBe('22021');
    expect(sqlStateOf(prismaError('22P05'))).toBe('22P05');
    expect(sqlStateOf(new Error('wrapped', { cause: pgError('22003') }))).toBe('22003');
  });

  it('is not a Node or Prisma code', () => {
    expect(sqlStateOf(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }))).toBeUndefined();
    expect(sqlStateOf(Object.assign(new Error('pool'), { name: 'PrismaClientKnownRequestError', code: 'P2024' }))).toBeUndefined();
    expect(sqlStateOf('22021')).toBeUndefined();
  });
});

describe('a value the database refused', () => {
  it('is class 22, a NOT NULL or a CHECK; duplicates, references and outages are not', () => {
    expect(['22021', '22P02', '22001', '22003', '23502', '23514'].map((c) => inputRejectedByDatabase(pgError(c)))).toEqual(['22021', '22P02', '22001', '22003', '23502', '23514']);
    expect(['23505', '23503', '40001', '57P01', '08006'].map((c) => inputRejectedByDatabase(pgError(c)))).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });

  it('is a 400 REQUEST_INVALID_VALUE that quotes neither the database nor the value', () => {
    const problem = toProblem(prismaError('22021'), 'corr-1');
    expect(problem).toMatchObject({ status: 400, code: 'REQUEST_INVALID_VALUE' });
    expect(JSON.stringify(problem)).not.toMatch(/UTF8|0x00|22021|Database error/);
  });
});

describe('a database outage', () => {
  it('is a 503 DATABASE_UNAVAILABLE (shutting down, connection lost or refused, Prisma cannot reach it), not a 500', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const terminated = new Error('Connection terminated unexpectedly');
    const prismaUnreachable = Object.assign(new Error("Can't reach database server"), { code: 'P1001' });
    // the pool saturated: no connection for an interactive transaction within Prisma's maxWait
    const poolSaturated = Object.assign(new Error('Transaction API error: Unable to start a transaction in the given time.'), { code: 'P2028' });
    for (const err of [pgError('57P01'), pgError('08006'), refused, terminated, prismaUnreachable, poolSaturated, new Error('wrapped', { cause: refused })]) {
      expect(toProblem(err, 'corr-2')).toMatchObject({ status: 503, code: 'DATABASE_UNAVAILABLE' });
    }
  });

  it('is not any other failure: a statement that failed stays a 500', () => {
    expect(toProblem(pgError('42P01'), 'corr-3')).toMatchObject({ status: 500, code: 'INTERNAL_ERROR' });
    expect(toProblem(new Error('boom'), 'corr-4')).toMatchObject({ status: 500, code: 'INTERNAL_ERROR' });
  });
});
