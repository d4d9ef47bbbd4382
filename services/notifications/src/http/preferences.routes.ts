// /v1/notification-preferences: the caller's own email preferences per category (issue 17 item 5).
import { principalFromRequest, type ApiRoutes } from '@runfleet/service-kit';
import { accountOf } from '../domain/account-of';
import { readPreferences, updatePreferences } from '../domain/preferences';
import type { UseCaseDeps } from './use-case-deps';
import { preferencesSchema, preferencesUpdateSchema } from './preferences.schemas';

export function registerPreferenceRoutes(api: ApiRoutes, deps: UseCaseDeps): void {
  api.route(
    {
      method: 'get',
      path: '/v1/notification-preferences',
      summary: "The caller's email preferences",
      tags: ['notification-preferences'],
      responses: { 200: { description: 'Email on or off per category', schema: preferencesSchema } },
      errors: [403],
    },
    async (_input, req, res) => {
      res.json(await readPreferences(deps.prisma, accountOf(principalFromRequest(req))));
    },
  );

  api.route(
    {
      method: 'put',
      path: '/v1/notification-preferences',
      summary: "Change the caller's email preferences",
      description: 'Only the categories named change. Security mail cannot be turned off.',
      tags: ['notification-preferences'],
      request: { body: preferencesUpdateSchema },
      responses: { 200: { description: 'Every category after the change', schema: preferencesSchema } },
      errors: [403],
    },
    async ({ body }, req, res) => {
      res.json(await updatePreferences(deps.prisma, accountOf(principalFromRequest(req)), body, deps.now()));
    },
  );
}
