// Request and response schemas of /v1/notification-preferences; `.meta` examples feed the OpenAPI document.
import { z } from 'zod';
import { CATEGORIES } from '../domain/notification-kinds';

const choice = z.strictObject({ email: z.boolean().meta({ description: 'send email for this category' }) });

export const preferencesSchema = z
  .object(Object.fromEntries(CATEGORIES.map((c) => [c, choice])) as Record<(typeof CATEGORIES)[number], typeof choice>)
  .meta({
    description:
      'Email on or off per category (on unless turned off). Security mail (a webhook endpoint about to be disabled, or disabled) is sent whatever these say.',
    example: { jobs: { email: false }, wallet: { email: true }, orders: { email: true }, earnings: { email: true }, runners: { email: true }, webhooks: { email: true } },
  });

export const preferencesUpdateSchema = z
  .strictObject(Object.fromEntries(CATEGORIES.map((c) => [c, choice.optional()])) as Record<(typeof CATEGORIES)[number], z.ZodOptional<typeof choice>>)
  .refine((body) => Object.values(body).some((v) => v !== undefined), { message: 'name at least one category' })
  .meta({ description: 'The categories to change; the others keep their setting.', example: { jobs: { email: false } } });
