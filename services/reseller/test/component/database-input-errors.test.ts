// The kit's one error path against real PostgreSQL failures (issue 12 defect 1, defence in depth):
// when a value gets past validation and the database refuses it — SQLSTATE class 22, or a NOT NULL /
// CHECK the request's row broke — the answer is a 400 problem+json that quotes neither SQL nor the
// value, whether the error comes through Prisma's driver adapter or straight from node-postgres.
// Before, each of these was a 500, which the gateway's breaker counted as an outage.
import express from 'express';
import request from 'supertest';
import { z } from 'zod';
import { PROBLEM_CONTENT_TYPE } from '@runfleet/contracts';
import { createHealth, createHttpApp, createLogger, createMetrics } from '@runfleet/service-kit';
import { createWorld, type World } from '../support/world';

jest.setTimeout(60_000);

let world: World;
let app: express.Express;

const SECRET_LOOKING_VALUE = 'rf_sk_value-that-must-not-be-echoed';

beforeAll(async () => {
  world = await createWorld('reseller_db_input_errors');
  await world.prisma.$executeRawUnsafe(
    'CREATE TABLE probe (code varchar(8) NOT NULL, amount integer CHECK (amount >= 0), note text)',
  );
  app = createHttpApp({
    service: 'reseller',
    logger: createLogger({ service: 'reseller', level: 'silent' }),
    metrics: createMetrics('reseller'),
    health: createHealth([]),
    // Routes that pass input to the database unchecked, as a schema with a gap would.
    routes: (_router, api) => {
      api.route(
        {
          method: 'post',
          path: '/prisma/:statement',
          summary: 'probe',
          tags: ['probe'],
          request: { params: z.object({ statement: z.string() }), body: z.object({ value: z.unknown() }) },
          responses: { 204: { description: 'done' } },
        },
        async ({ params, body }, _req, res) => {
          const value = body.value as string;
          if (params.statement === 'insert') await world.prisma.$executeRaw`INSERT INTO probe (code, amount) VALUES (${value}, 1)`;
          if (params.statement === 'integer') await world.prisma.$executeRaw`INSERT INTO probe (code, amount) VALUES ('x', ${value}::integer)`;
          if (params.statement === 'check') await world.prisma.$executeRaw`INSERT INTO probe (code, amount) VALUES ('x', ${Number(value)})`;
          if (params.statement === 'uuid') await world.prisma.$queryRaw`SELECT ${value}::uuid`;
          if (params.statement === 'jsonb') await world.prisma.auditEvent.create({ data: { actorType: 'admin', actorId: 'a', action: 'probe', targetType: 'probe', targetId: 'p', details: { note: value } } });
          res.status(204).end();
        },
      );
      api.route(
        {
          method: 'post',
          path: '/pg/:statement',
          summary: 'probe',
          tags: ['probe'],
          request: { params: z.object({ statement: z.string() }), body: z.object({ value: z.unknown() }) },
          responses: { 204: { description: 'done' } },
        },
        async ({ params, body }, _req, res) => {
          if (params.statement === 'not-null') await world.deps.pool.query('INSERT INTO probe (code, amount) VALUES ($1, 1)', [body.value]);
          if (params.statement === 'too-long') await world.deps.pool.query('INSERT INTO probe (code, amount) VALUES ($1, 1)', [body.value]);
          res.status(204).end();
        },
      );
    },
  });
});

afterAll(async () => {
  await world?.close();
});

async function expectInvalidValue(path: string, value: unknown): Promise<void> {
  const res = await request(app).post(path).send({ value });
  expect({ status: res.status, type: res.headers['content-type'], code: res.body.code }).toEqual({
    status: 400,
    type: expect.stringContaining(PROBLEM_CONTENT_TYPE),
    code: 'REQUEST_INVALID_VALUE',
  });
  // nothing about the statement or the value leaks into the answer (the path and id are ours)
  const told = JSON.stringify({ ...res.body, instance: undefined, correlationId: undefined });
  expect(told).not.toMatch(/SELECT|INSERT|probe|uuid|integer|varchar|22\d\d\d|23\d\d\d/i);
  expect(told).not.toContain(SECRET_LOOKING_VALUE.slice(0, 12));
}

describe('a value the database refuses is the caller’s mistake, not an outage', () => {
  it('22001 string too long (through Prisma) is a 400', async () => {
    await expectInvalidValue('/prisma/insert', `${SECRET_LOOKING_VALUE}`);
  });

  it('22003 number out of range (through Prisma) is a 400', async () => {
    await expectInvalidValue('/prisma/integer', '99999999999');
  });

  it('22P02 invalid text representation (through Prisma) is a 400', async () => {
    await expectInvalidValue('/prisma/uuid', SECRET_LOOKING_VALUE);
  });

  it('23514 a CHECK the row breaks (through Prisma) is a 400', async () => {
    await expectInvalidValue('/prisma/check', '-5');
  });

  it('23502 a missing required value and 22001 (straight from node-postgres) are 400s', async () => {
    await expectInvalidValue('/pg/not-null', null);
    await expectInvalidValue('/pg/too-long', SECRET_LOOKING_VALUE);
  });

  it('a NUL that validation refuses never reaches the database', async () => {
    const res = await request(app).post('/prisma/jsonb').send({ value: 'a\u0000b' });
    expect({ status: res.status, code: res.body.code, errors: res.body.errors }).toEqual({
      status: 400,
      code: 'VALIDATION_FAILED',
      errors: [{ field: 'body.value', message: expect.stringContaining('NUL') }],
    });
    expect(await world.prisma.auditEvent.count({ where: { action: 'probe' } })).toBe(0);
  });

  it('nothing was written by any refused request', async () => {
    expect(await world.count('probe')).toBe(0);
  });
});
