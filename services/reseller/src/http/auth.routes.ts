// /v1/auth/*: signing up and in, the mailed one-time links, and a signed-in person's own account
// (issue 19). The first five take no credential (the gateway forwards them as public routes, with
// its per-IP limit), so they are mounted ahead of the principal check; the rest need a session.
import { principalFromRequest, type ApiRoutes } from '@runfleet/service-kit';
import { sessionOf } from '../domain/account-errors';
import { confirmPasswordReset, requestPasswordReset, verifyEmail } from '../domain/account-tokens';
import { logIn } from '../domain/log-in';
import { changePassword, readMyUser } from '../domain/my-account';
import { logOut } from '../domain/sessions';
import { signUp } from '../domain/sign-up';
import { beginTotp, confirmTotp, disableTotp } from '../domain/totp';
import type { AccountDeps } from '../domain/use-case-deps';
import {
  changePasswordBody,
  logInBody,
  resetConfirmBody,
  resetRequestBody,
  signedInSchema,
  signUpAnswer,
  signUpBody,
  tokenBody,
  totpCodeBody,
  totpSetupSchema,
  userJson,
  userSchema,
} from './auth.schemas';

export function registerAuthRoutes(api: ApiRoutes, deps: AccountDeps): void {
  const session = (req: Parameters<typeof principalFromRequest>[0]) => sessionOf(principalFromRequest(req));

  api.route(
    {
      method: 'post',
      path: '/v1/auth/signup',
      public: true,
      summary: 'Sign up',
      description:
        'Creates a customer and its user (a direct customer, or with `referralCode` that reseller’s) and mails a verification link. ' +
        'The answer is the same whether or not the email is already registered. Weak password: 422 naming `body.password`; ' +
        'unknown referral code: 422 naming `body.referralCode`.',
      tags: ['auth'],
      request: { body: signUpBody },
      responses: { 202: { description: 'A verification link was mailed (if the address is new)', schema: signUpAnswer } },
      errors: [422, 429],
    },
    async ({ body }, _req, res) => {
      await signUp(deps, body);
      res.status(202).json({ status: 'verification_sent' });
    },
  );

  api.route(
    {
      method: 'post',
      path: '/v1/auth/login',
      public: true,
      summary: 'Sign in',
      description:
        'Email and password (and `totpCode` when two-factor sign-in is on). 401 AUTH_LOGIN_FAILED for any wrong email, password or a ' +
        'locked account (5 failures lock it for 30 minutes); AUTH_TOTP_REQUIRED, 403 AUTH_EMAIL_NOT_VERIFIED and 403 AUTH_ACCOUNT_DEACTIVATED (its reseller or customer is deactivated) only after the right password.',
      tags: ['auth'],
      request: { body: logInBody },
      responses: { 200: { description: 'A new session', schema: signedInSchema } },
      errors: [401, 403, 429],
    },
    async ({ body }, _req, res) => {
      res.json(await logIn(deps, body));
    },
  );

  api.route(
    {
      method: 'post',
      path: '/v1/auth/email-verification',
      public: true,
      summary: 'Confirm an email address',
      description: 'With the token of the mailed link; each token works once, for 30 minutes.',
      tags: ['auth'],
      request: { body: tokenBody },
      responses: { 204: { description: 'The address is confirmed' } },
      errors: [429],
    },
    async ({ body }, _req, res) => {
      await verifyEmail(deps, body.token);
      res.status(204).end();
    },
  );

  api.route(
    {
      method: 'post',
      path: '/v1/auth/password-reset',
      public: true,
      summary: 'Ask for a password reset link',
      description: 'Always 202: a registered address is mailed a link that works once, for 30 minutes.',
      tags: ['auth'],
      request: { body: resetRequestBody },
      responses: { 202: { description: 'Accepted' } },
      errors: [429],
    },
    async ({ body }, _req, res) => {
      await requestPasswordReset(deps, body.email);
      res.status(202).end();
    },
  );

  api.route(
    {
      method: 'post',
      path: '/v1/auth/password-reset/confirm',
      public: true,
      summary: 'Set a new password from a reset or invitation link',
      description: 'Ends every session of the user; an invitation’s link also confirms the address. A weak password keeps the link usable.',
      tags: ['auth'],
      request: { body: resetConfirmBody },
      responses: { 204: { description: 'The password is set' } },
      errors: [422, 429],
    },
    async ({ body }, _req, res) => {
      await confirmPasswordReset(deps, body.token, body.password);
      res.status(204).end();
    },
  );

  api.route(
    {
      method: 'get',
      path: '/v1/auth/me',
      summary: 'The signed-in user',
      description: 'Needs a session (an API key gets 403 AUTH_SESSION_REQUIRED).',
      tags: ['auth'],
      responses: { 200: { description: 'The user', schema: userSchema } },
      errors: [403],
    },
    async (_input, req, res) => {
      res.json(userJson(await readMyUser(deps, session(req).userId)));
    },
  );

  api.route(
    {
      method: 'delete',
      path: '/v1/auth/session',
      summary: 'Sign out',
      description: 'Ends this session (the gateway also clears the cookies); it stops working within a second.',
      tags: ['auth'],
      responses: { 204: { description: 'Signed out' } },
      errors: [403],
    },
    async (_input, req, res) => {
      await logOut(deps, session(req));
      res.status(204).end();
    },
  );

  api.route(
    {
      method: 'post',
      path: '/v1/auth/password',
      summary: 'Change my password',
      description: 'Needs the current password (422 naming `body.currentPassword` when wrong). Ends the user’s other sessions.',
      tags: ['auth'],
      request: { body: changePasswordBody },
      responses: { 204: { description: 'Changed' } },
      errors: [403, 422],
    },
    async ({ body }, req, res) => {
      await changePassword(deps, session(req), body);
      res.status(204).end();
    },
  );

  api.route(
    {
      method: 'post',
      path: '/v1/auth/totp',
      summary: 'Start setting up two-factor sign-in',
      description: 'A new TOTP secret, pending until confirmed with a code from the app.',
      tags: ['auth'],
      responses: { 200: { description: 'The secret, shown once', schema: totpSetupSchema } },
      errors: [403, 409],
    },
    async (_input, req, res) => {
      res.json(await beginTotp(deps, session(req).userId));
    },
  );

  api.route(
    {
      method: 'post',
      path: '/v1/auth/totp/confirm',
      summary: 'Turn on two-factor sign-in',
      description: 'With the app’s current code for the pending secret (422 naming `body.code` when wrong).',
      tags: ['auth'],
      request: { body: totpCodeBody },
      responses: { 204: { description: 'Two-factor sign-in is on' } },
      errors: [403, 409, 422],
    },
    async ({ body }, req, res) => {
      await confirmTotp(deps, session(req).userId, body.code);
      res.status(204).end();
    },
  );

  api.route(
    {
      method: 'delete',
      path: '/v1/auth/totp',
      summary: 'Turn off two-factor sign-in',
      description: 'With the app’s current code.',
      tags: ['auth'],
      request: { body: totpCodeBody },
      responses: { 204: { description: 'Two-factor sign-in is off' } },
      errors: [403, 409, 422],
    },
    async ({ body }, req, res) => {
      await disableTotp(deps, session(req).userId, body.code);
      res.status(204).end();
    },
  );
}
