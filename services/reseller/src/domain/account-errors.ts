// The errors of people's accounts (issue 19). Sign-in failures share one body whatever went wrong
// (unknown email, wrong password, locked account), so an answer never tells whether an email exists.
import { AppError, type Principal } from '@runfleet/service-kit';

export const accountErrors = {
  loginFailed: () => AppError.unauthorized('AUTH_LOGIN_FAILED', 'The email or password is wrong.'),
  totpRequired: () =>
    AppError.unauthorized('AUTH_TOTP_REQUIRED', 'Enter the code from your authenticator app.', {
      errors: [{ field: 'body.totpCode', message: 'is required and must be the current code' }],
    }),
  accountDeactivated: () =>
    AppError.forbidden('AUTH_ACCOUNT_DEACTIVATED', 'This account is deactivated; ask whoever runs it (your reseller, or the platform) to turn it back on.'),
  emailNotVerified: () => AppError.forbidden('AUTH_EMAIL_NOT_VERIFIED', 'Confirm your email address first: follow the link we mailed you.'),
  sessionRequired: () => AppError.forbidden('AUTH_SESSION_REQUIRED', 'This needs a signed-in session, not an API key.'),
  sessionInvalid: () => AppError.unauthorized('AUTH_KEY_INVALID', 'The session is not valid.'),
  tokenInvalid: () =>
    AppError.badRequest('AUTH_TOKEN_INVALID', 'The link is invalid, expired or already used.', {
      errors: [{ field: 'body.token', message: 'is invalid, expired or already used' }],
    }),
};

/** The signed-in person behind a session principal; an API key principal (no userId) is refused. */
export function sessionOf(principal: Principal): { userId: string; sessionId: string } {
  if (principal.userId === undefined || principal.sessionId === undefined) throw accountErrors.sessionRequired();
  return { userId: principal.userId, sessionId: principal.sessionId };
}
