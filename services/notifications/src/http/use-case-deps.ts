// What the routes hand the use cases.
import type { PrismaClient } from '../db';

export interface UseCaseDeps {
  prisma: PrismaClient;
  now: () => Date;
}
