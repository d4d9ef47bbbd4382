// A runner registers with a registration token (issue 14 item 1): it gets its runner token
// (`rf_rt_…`, shown once, stored as an HMAC) and runner.registered commits with it. The token is
// re-checked under its row lock, so a revocation or the use limit holds even while the gateway
// still has the token's principal cached.
import { AppError } from '@runfleet/service-kit';
import { findCustomerAccount } from '../data/account.repository';
import { emitEvents, event } from '../data/outbox.repository';
import { lockRegistrationToken, updateRegistrationToken } from '../data/registration-token.repository';
import { insertRunner, type RunnerRecord } from '../data/runner.repository';
import { registrationTokenStatus } from './registration-tokens';
import { generateToken, hashToken, RUNNER_TOKEN_PREFIX } from './token-format';
import type { TokenDeps } from './use-case-deps';

export interface RegisterRunnerInput {
  name: string;
  jobTypes: string[];
  labels: Record<string, string>;
  capacity: number;
  version: string;
}

export const invalidRegistrationToken = () =>
  AppError.unauthorized('AUTH_REGISTRATION_TOKEN_INVALID', 'The registration token is not valid (unknown, expired, revoked or used up).');

export async function registerRunner(
  deps: TokenDeps,
  registrationTokenId: string,
  input: RegisterRunnerInput,
): Promise<{ runner: RunnerRecord; token: string }> {
  const now = deps.now();
  return deps.prisma.$transaction(async (tx) => {
    const registration = await lockRegistrationToken(tx, { all: true }, registrationTokenId);
    if (!registration || registrationTokenStatus(registration, now) !== 'active') throw invalidRegistrationToken();
    if (registration.customerId !== null) {
      const customer = await findCustomerAccount(tx, registration.customerId);
      if (customer && !customer.active) throw invalidRegistrationToken();
    }
    await updateRegistrationToken(tx, registration.id, { uses: registration.uses + 1 });
    const generated = generateToken(RUNNER_TOKEN_PREFIX);
    const runner = await insertRunner(tx, {
      lookupId: generated.lookupId,
      secretHash: hashToken(deps.tokenPepper, generated.raw),
      last4: generated.last4,
      name: input.name,
      jobTypes: [...new Set(input.jobTypes)],
      labels: input.labels,
      capacity: input.capacity,
      version: input.version,
      scope: registration.scope,
      customerId: registration.customerId,
      resellerId: registration.resellerId,
      registrationTokenId: registration.id,
    });
    await emitEvents(tx, [
      event('runner.registered', {
        runnerId: runner.id,
        name: runner.name,
        jobTypes: runner.jobTypes,
        labels: runner.labels,
        capacity: runner.capacity,
        version: runner.version,
      }),
    ]);
    return { runner, token: generated.raw };
  });
}
