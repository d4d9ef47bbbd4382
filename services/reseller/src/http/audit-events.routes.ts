// GET /v1/audit-events: the audit log, admins everything, a reseller its own, customers 403.
import { z } from 'zod';
import { pageSchema } from '@runfleet/contracts';
import { principalFromRequest, type ApiRoutes } from '@runfleet/service-kit';
import type { AuditEventRecord } from '../data/audit.repository';
import { actorOf } from '../domain/actor';
import { listAuditEvents } from '../domain/read-audit-events';
import type { UseCaseDeps } from '../domain/use-case-deps';
import { EXAMPLE_IDS, EXAMPLE_TIME, iso, listQuery, timestampSchema } from './common.schemas';

const auditEventSchema = z
  .object({
    id: z.uuid(),
    actor: z.object({ type: z.string(), id: z.string() }),
    action: z.string(),
    target: z.object({ type: z.string(), id: z.string() }),
    details: z.record(z.string(), z.unknown()),
    resellerId: z.uuid().nullable(),
    createdAt: timestampSchema,
  })
  .meta({
    example: {
      id: EXAMPLE_IDS.audit,
      actor: { type: 'admin', id: EXAMPLE_IDS.admin },
      action: 'reseller.commission_changed',
      target: { type: 'reseller', id: EXAMPLE_IDS.reseller },
      details: { from: 1500, to: 2000 },
      resellerId: EXAMPLE_IDS.reseller,
      createdAt: EXAMPLE_TIME,
    },
  });

const auditEventJson = (e: AuditEventRecord): z.infer<typeof auditEventSchema> => ({
  id: e.id,
  actor: { type: e.actorType, id: e.actorId },
  action: e.action,
  target: { type: e.targetType, id: e.targetId },
  details: e.details,
  resellerId: e.resellerId,
  createdAt: iso(e.createdAt),
});

export function registerAuditRoutes(api: ApiRoutes, deps: UseCaseDeps): void {
  api.route(
    {
      method: 'get',
      path: '/v1/audit-events',
      summary: 'Read the audit log',
      description:
        'Who did what: key created/revoked/rotated, commission changed, reseller suspended, customer deactivated, ' +
        'order fulfilled… Admins see all, a reseller what concerns it and its customers; customers 403. Newest first.',
      tags: ['audit'],
      request: {
        query: listQuery({
          action: z.string().min(1).max(100).optional().meta({ example: 'apikey.revoked' }),
          targetType: z.string().min(1).max(50).optional().meta({ example: 'apikey' }),
          targetId: z.string().min(1).max(100).optional().meta({ example: EXAMPLE_IDS.apiKey }),
          resellerId: z.uuid().optional().meta({ description: 'admins only', example: EXAMPLE_IDS.reseller }),
        }),
      },
      responses: { 200: { description: 'A page of audit events', schema: pageSchema(auditEventSchema) } },
      errors: [403],
    },
    async ({ query }, req, res) => {
      const page = await listAuditEvents(deps, actorOf(principalFromRequest(req)), query);
      res.json({ items: page.items.map(auditEventJson), nextCursor: page.nextCursor });
    },
  );
}
