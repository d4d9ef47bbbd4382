import express from 'express';
import request from 'supertest';
import { z } from 'zod';
import { ApiRoutes, toOpenApiPath } from '../../src/openapi';
import { problemErrorHandler } from '../../src/http';
import { createLogger } from '../../src/logger';

function build() {
  const app = express();
  app.use(express.json());
  const router = express.Router();
  const api = new ApiRoutes(router, { title: 'Test API', version: '1.0.0' }, (method, path) =>
    `${method.toUpperCase()} ${path}` === 'POST /v1/things/{thingId}/parts' ? 'things:write' : undefined,
  );
  api.route(
    {
      method: 'post',
      path: '/v1/things/:thingId/parts',
      summary: 'Add a part to a thing',
      tags: ['things'],
      request: {
        params: z.object({ thingId: z.uuid() }),
        body: z.strictObject({ name: z.string().min(1).meta({ example: 'bolt' }) }),
      },
      responses: { 201: { description: 'The part', schema: z.object({ id: z.string(), name: z.string() }) } },
      errors: [404],
      idempotencyKey: 'required',
    },
    (input, _req, res) => {
      res.status(201).json({ id: 'p1', name: input.body.name });
    },
  );
  app.use(router);
  app.use(problemErrorHandler(createLogger({ service: 'test', level: 'silent' })));
  return { app, api };
}

describe('documented routes', () => {
  it('validate their input with the declared schemas and hand the handler typed values', async () => {
    const { app } = build();
    const ok = await request(app).post('/v1/things/7d2b8f2e-8a3c-4a7b-9a8e-1f2e3d4c5b6a/parts').send({ name: 'bolt' });
    const bad = await request(app).post('/v1/things/nope/parts').send({ name: '', extra: 1 });

    expect(ok.status).toBe(201);
    expect(ok.body).toEqual({ id: 'p1', name: 'bolt' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['body.extra', 'body.name', 'params.thingId']);
  });

  it('produce an OpenAPI 3.1 document with the path, parameters, body, responses and problem errors', () => {
    const { api } = build();
    const doc = api.document31();
    const op = doc.paths?.['/v1/things/{thingId}/parts']?.post;

    expect(doc.openapi).toBe('3.1.0');
    expect(api.declared()).toEqual(['POST /v1/things/{thingId}/parts']);
    expect(op?.parameters?.map((p) => ('name' in p ? `${p.in}:${p.name}:${p.required}` : ''))).toEqual([
      'path:thingId:true',
      'header:idempotency-key:true',
    ]);
    expect(Object.keys(op?.responses ?? {}).sort()).toEqual(['201', '400', '404', '415']);
    expect(JSON.stringify(op?.responses?.['404'])).toContain('application/problem+json');
    expect(JSON.stringify(op?.requestBody)).toContain('"example":"bolt"');
    expect((op as Record<string, unknown>)['x-required-scope']).toBe('things:write');
  });

  it('refuse to mount a public route whose scope is declared nowhere (fail closed)', () => {
    const { api } = build();
    const undeclared = () =>
      api.route({ method: 'delete', path: '/v1/things/:thingId', summary: 'Delete a thing', tags: ['things'], responses: { 204: { description: 'Gone' } } }, () => undefined);
    expect(undeclared).toThrow('DELETE /v1/things/{thingId} has no scope');
    // The real table: an operation of a built service that is missing from it does not mount either.
    const real = new ApiRoutes(express.Router(), { title: 'Real', version: '1' });
    expect(() => real.route({ method: 'put', path: '/v1/projects/:projectId', summary: 'x', tags: ['x'], responses: { 200: { description: 'x' } } }, () => undefined)).toThrow(
      'PUT /v1/projects/{projectId} has no scope',
    );
  });

  it('converts express path parameters to OpenAPI templates', () => {
    expect(toOpenApiPath('/v1/a/:aId/b/:bId')).toBe('/v1/a/{aId}/b/{bId}');
  });
});
