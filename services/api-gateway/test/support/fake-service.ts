// A service built like Runfleet's (the kit's app, signed-principal check, documented routes) that
// records what reached it: the principal, the headers, how many POSTs ran. It stands in for
// upstreams whose real routes do not exist yet or cannot be made slow or failing on demand.
import type { Server } from 'node:http';
import { z } from 'zod';
import { createHealth, createHttpApp, createLogger, createMetrics, listen, principalFromRequest, type Principal } from '@runfleet/service-kit';

export interface Seen {
  principal: Principal;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

export interface FakeService {
  url: string;
  seen: Seen[];
  /** POST /v1/jobs executions, by body */
  executions: number;
  /** added to every request's handling time */
  delayMs: number;
  /** when set, every /v1 request answers this status */
  failWith: number | null;
  /** by exact path: the status a request there answers (one caller's bad requests among good ones) */
  failPaths: Record<string, number>;
  close(): Promise<void>;
}

/** every byte value four times, then multi-byte UTF-8: what a proxy that re-encodes would corrupt */
export const FAKE_ARTIFACT = Buffer.concat([Buffer.from(Array.from({ length: 1024 }, (_, i) => i % 256)), Buffer.from('Zoë ✓ 🚀', 'utf8')]);

const jobBody = z.object({ type: z.string(), payload: z.unknown().optional() });

export async function startFakeService(secret: string): Promise<FakeService> {
  const state = { seen: [] as Seen[], executions: 0, delayMs: 0, failWith: null as number | null, failPaths: {} as Record<string, number> };
  const sleep = () => new Promise((resolve) => setTimeout(resolve, state.delayMs));
  const app = createHttpApp({
    service: 'fake',
    logger: createLogger({ service: 'fake', level: 'silent' }),
    metrics: createMetrics('fake'),
    health: createHealth([]),
    principalSecret: secret,
    bodyLimit: '10mb',
    routes: (router, api) => {
      router.use('/v1', async (req, res, next) => {
        state.seen.push({ principal: principalFromRequest(req), headers: req.headers, body: req.body });
        if (state.delayMs > 0) await sleep();
        const failWith = state.failPaths[req.originalUrl.split('?')[0] ?? ''] ?? state.failWith;
        if (failWith !== null) {
          res.status(failWith).type('application/problem+json').json({ type: 'about:blank', title: 'Failure', status: failWith, code: 'FAKE_FAILURE' });
          return;
        }
        next();
      });
      api.route(
        { method: 'get', path: '/v1/jobs', summary: 'List jobs', tags: ['jobs'], responses: { 200: { description: 'Jobs', schema: z.object({ items: z.array(z.unknown()) }) } } },
        (_input, req, res) => {
          res.json({ items: [], principal: principalFromRequest(req) });
        },
      );
      api.route(
        {
          method: 'post',
          path: '/v1/jobs',
          summary: 'Submit a job',
          tags: ['jobs'],
          request: { body: jobBody },
          responses: { 201: { description: 'The job', schema: z.object({ id: z.number() }) } },
          idempotencyKey: 'required',
        },
        ({ body }, _req, res) => {
          state.executions += 1;
          res.status(201).setHeader('location', `/v1/jobs/${state.executions}`);
          res.json({ id: state.executions, type: body.type });
        },
      );
      api.route(
        { method: 'get', path: '/v1/jobs/:jobId', summary: 'A job', tags: ['jobs'], request: { params: z.object({ jobId: z.string() }) }, responses: { 200: { description: 'The job' } }, errors: [404] },
        ({ params }, _req, res) => {
          res.status(404).type('application/problem+json').json({ type: 'urn:runfleet:problem:job-not-found', title: 'Not Found', status: 404, code: 'JOB_NOT_FOUND', detail: `No job ${params.jobId}.` });
        },
      );
      // Byte streams for the gateway's body tests, standing in for the notifications service's live
      // feed (GET /v1/feed/stream): `events=n` a Server-Sent Events stream of n events `gapMs` apart;
      // else without `size` a document of every byte value then UTF-8 text; with it an output of
      // `size` bytes, with Content-Length or (chunked=true) streamed without one.
      api.route(
        {
          method: 'get',
          path: '/v1/feed/stream',
          summary: 'An event stream, a document of every byte value, or an output of `size` bytes',
          tags: ['feed'],
          request: {
            query: z.object({
              size: z.coerce.number().int().min(0).optional(),
              chunked: z.enum(['true', 'false']).default('false'),
              events: z.coerce.number().int().min(1).optional(),
              gapMs: z.coerce.number().int().min(0).default(0),
            }),
          },
          responses: { 200: { description: 'Bytes' } },
        },
        async ({ query }, _req, res) => {
          if (query.events !== undefined) {
            res.status(200).set({ 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
            res.flushHeaders();
            for (let i = 1; i <= query.events; i += 1) {
              res.write(`id: ${i}\nevent: feed-item\ndata: {"n":${i}}\n\n`);
              if (i < query.events) await new Promise((resolve) => setTimeout(resolve, query.gapMs));
            }
            res.end();
            return;
          }
          if (query.size === undefined) {
            res.type('application/octet-stream').send(FAKE_ARTIFACT);
            return;
          }
          res.type('text/plain');
          if (query.chunked === 'false') {
            res.send('o'.repeat(query.size));
            return;
          }
          for (let sent = 0; sent < query.size; sent += 1024) res.write('o'.repeat(Math.min(1024, query.size - sent)));
          res.end();
        },
      );
      api.route(
        { method: 'post', path: '/v1/runners', summary: 'Upload to a runner', tags: ['runners'], responses: { 200: { description: 'Bytes received' } } },
        (_input, req, res) => {
          res.json({ received: JSON.stringify(req.body ?? null).length });
        },
      );
    },
  });
  const server: Server = await listen(app, 0);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  }) as FakeService;
}
