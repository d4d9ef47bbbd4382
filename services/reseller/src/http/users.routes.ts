// /v1/users (people, by admins and resellers) and /v1/resellers/me/referral-codes (issue 19).
import { z } from 'zod';
import { pageSchema, USER_ROLES } from '@runfleet/contracts';
import { principalFromRequest, type ApiRoutes } from '@runfleet/service-kit';
import type { ReferralCodeWithSignups, SignupRecord } from '../data/referral-code.repository';
import { actorOf } from '../domain/actor';
import { inviteUser, listUsers } from '../domain/manage-users';
import { createReferralCode, listReferralCodes, listSignups } from '../domain/referral-codes';
import { userView } from '../domain/user-view';
import type { AccountDeps } from '../domain/use-case-deps';
import { userJson, userSchema } from './auth.schemas';
import { emailSchema, EXAMPLE_IDS, EXAMPLE_TIME, idParams, iso, listQuery, nameSchema, timestampSchema } from './common.schemas';

const inviteBody = z
  .strictObject({
    email: emailSchema,
    name: nameSchema,
    role: z.enum(USER_ROLES),
    resellerId: z.uuid().optional().meta({ description: 'role reseller: whose staff (a reseller inviting leaves it out: itself)' }),
    customerId: z.uuid().optional().meta({ description: 'role customer: the customer the user acts for' }),
  })
  .meta({ example: { email: 'ops@cloudy.example.com', name: 'Ops', role: 'reseller' } });

const referralCodeSchema = z
  .object({
    id: z.uuid(),
    code: z.string().meta({ description: 'what a person types at sign-up (any case)' }),
    label: z.string().nullable(),
    signups: z.number().int().meta({ description: 'how many people signed up with it' }),
    createdAt: timestampSchema,
  })
  .meta({ example: { id: EXAMPLE_IDS.reseller, code: 'SPRING-26', label: 'spring campaign', signups: 3, createdAt: EXAMPLE_TIME } });

const referralCodeJson = (c: ReferralCodeWithSignups): z.infer<typeof referralCodeSchema> => ({
  id: c.id,
  code: c.code,
  label: c.label,
  signups: c.signups,
  createdAt: iso(c.createdAt),
});

const createCodeBody = z
  .strictObject({
    code: z
      .string()
      .regex(/^[A-Za-z0-9_-]{4,32}$/, 'must be 4–32 letters, digits, - or _')
      .optional()
      .meta({ description: 'the code; generated when left out', example: 'SPRING-26' }),
    label: z.string().trim().min(1).max(200).optional().meta({ example: 'spring campaign' }),
  })
  .meta({ example: { code: 'SPRING-26', label: 'spring campaign' } });

const signupSchema = z.object({
  userId: z.uuid(),
  email: z.string(),
  name: z.string(),
  customerId: z.uuid(),
  customerName: z.string(),
  emailVerified: z.boolean(),
  signedUpAt: timestampSchema,
});

const signupJson = (s: SignupRecord): z.infer<typeof signupSchema> => ({
  userId: s.userId,
  email: s.email,
  name: s.name,
  customerId: s.customerId,
  customerName: s.customerName,
  emailVerified: s.emailVerified,
  signedUpAt: iso(s.createdAt),
});

export function registerUserRoutes(api: ApiRoutes, deps: AccountDeps): void {
  const actor = (req: Parameters<typeof principalFromRequest>[0]) => actorOf(principalFromRequest(req));

  api.route(
    {
      method: 'post',
      path: '/v1/users',
      summary: 'Invite a person',
      description:
        'An admin invites anyone; a reseller its own staff (role reseller) and users of its own customers (role customer, with customerId). ' +
        'The user gets a mail with a link to set their password (valid 72 hours). Emits user.invited.',
      tags: ['users'],
      request: { body: inviteBody },
      responses: { 201: { description: 'The invited user', schema: userSchema } },
      errors: [403, 404, 409],
      idempotencyKey: 'optional',
    },
    async ({ body }, req, res) => {
      res.status(201).json(userJson(userView(await inviteUser(deps, actor(req), body))));
    },
  );

  api.route(
    {
      method: 'get',
      path: '/v1/users',
      summary: 'List people',
      description: 'An admin sees every user; a reseller its staff and its customers’ users. Newest first.',
      tags: ['users'],
      request: { query: listQuery({ role: z.enum(USER_ROLES).optional() }) },
      responses: { 200: { description: 'A page of users', schema: pageSchema(userSchema) } },
      errors: [403],
    },
    async ({ query }, req, res) => {
      const page = await listUsers(deps, actor(req), query);
      res.json({ items: page.items.map((u) => userJson(userView(u))), nextCursor: page.nextCursor });
    },
  );

  api.route(
    {
      method: 'post',
      path: '/v1/resellers/me/referral-codes',
      summary: 'Create a referral code',
      description: 'Resellers only. A sign-up with the code becomes the reseller’s customer. Codes are unique ignoring case (409 naming `body.code`).',
      tags: ['referral codes'],
      request: { body: createCodeBody },
      responses: { 201: { description: 'The code', schema: referralCodeSchema } },
      errors: [403, 409],
    },
    async ({ body }, req, res) => {
      res.status(201).json(referralCodeJson(await createReferralCode(deps, actor(req), body)));
    },
  );

  api.route(
    {
      method: 'get',
      path: '/v1/resellers/me/referral-codes',
      summary: 'List my referral codes',
      description: 'Resellers only, each with its number of sign-ups. Newest first.',
      tags: ['referral codes'],
      request: { query: listQuery({}) },
      responses: { 200: { description: 'A page of codes', schema: pageSchema(referralCodeSchema) } },
      errors: [403],
    },
    async ({ query }, req, res) => {
      const page = await listReferralCodes(deps, actor(req), query);
      res.json({ items: page.items.map(referralCodeJson), nextCursor: page.nextCursor });
    },
  );

  api.route(
    {
      method: 'get',
      path: '/v1/resellers/me/referral-codes/:codeId/signups',
      summary: 'Who signed up with a referral code',
      description: 'Resellers only; another reseller’s code is 404.',
      tags: ['referral codes'],
      request: { params: idParams('codeId', EXAMPLE_IDS.reseller), query: listQuery({}) },
      responses: { 200: { description: 'A page of sign-ups', schema: pageSchema(signupSchema) } },
      errors: [403, 404],
    },
    async ({ params, query }, req, res) => {
      const page = await listSignups(deps, actor(req), params.codeId, query);
      res.json({ items: page.items.map(signupJson), nextCursor: page.nextCursor });
    },
  );
}
