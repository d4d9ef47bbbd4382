// Recognising the constraint failures billing turns into answers (a duplicate key, the wallet's
// available-balance CHECK), whichever way Prisma's driver adapter reports them.
import { Prisma } from '../db';

function code(err: unknown): string | undefined {
  return err instanceof Prisma.PrismaClientKnownRequestError ? err.code : undefined;
}

/** A unique index refused the row (PostgreSQL 23505, Prisma P2002). */
export function isUniqueViolation(err: unknown): boolean {
  return code(err) === 'P2002';
}

/** A foreign key refused the change: the row is still referenced, or points nowhere (23503, P2003). */
export function isForeignKeyViolation(err: unknown): boolean {
  return code(err) === 'P2003';
}
