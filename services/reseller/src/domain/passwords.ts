// Passwords (issue 19): argon2id (@node-rs/argon2's defaults: 19 MiB, 2 passes, 1 lane — OWASP's
// recommended minimum), a strength check (length ≥ 12 and zxcvbn score ≥ 3), and a verification
// that costs the same whether or not the account exists. A password never reaches a log, an error,
// an event or the database in clear.
import { hash, verify } from '@node-rs/argon2';
import { AppError } from '@runfleet/service-kit';

export const MIN_PASSWORD_LENGTH = 12;
export const MIN_PASSWORD_SCORE = 3;
/** argon2 takes any length; a cap keeps one request from buying a long hash */
export const MAX_PASSWORD_LENGTH = 256;

// zxcvbn and its dictionaries are loaded by the first password checked, not at start-up: they
// cost the idle service ~12 MB of its 120 MB budget (issue 18; docs/benchmarks.md "Saga").
let estimator: Promise<(password: string, userInputs: string[]) => { score: number; feedback: { warning: string | null } }> | undefined;

function strengthEstimator() {
  estimator ??= Promise.all([import('@zxcvbn-ts/core'), import('@zxcvbn-ts/language-common')]).then(([core, common]) => {
    core.zxcvbnOptions.setOptions({ dictionary: common.dictionary, graphs: common.adjacencyGraphs });
    return (password: string, userInputs: string[]) => core.zxcvbn(password, userInputs);
  });
  return estimator;
}

export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

// Verified against when there is no hash to check (unknown email, invited user without a password),
// so a refusal takes as long as a wrong password does (issue 19: never reveal whether an email exists).
let dummyHash: Promise<string> | undefined;

/** Whether `password` matches `storedHash`; with no stored hash it spends the same time and says no. */
export async function passwordMatches(password: string, storedHash: string | null): Promise<boolean> {
  if (storedHash === null) {
    dummyHash ??= hash('runfleet-dummy-password-for-timing');
    await verify(await dummyHash, password).catch(() => false);
    return false;
  }
  return verify(storedHash, password).catch(() => false);
}

/**
 * Refuses a weak password with 422 naming `body.<field>`. `userInputs` (email, name) count as
 * guessable words, so a password made of the user's own name scores low.
 */
export async function assertStrongPassword(password: string, userInputs: string[], field = 'body.password'): Promise<void> {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw weak(field, `must be at least ${MIN_PASSWORD_LENGTH} characters`);
  }
  const result = (await strengthEstimator())(password, userInputs);
  if (result.score < MIN_PASSWORD_SCORE) {
    const hint = result.feedback.warning ? `: ${result.feedback.warning}` : '';
    throw weak(field, `is too easy to guess${hint}`);
  }
}

function weak(field: string, message: string): AppError {
  return AppError.unprocessable('PASSWORD_TOO_WEAK', 'The password is too weak.', { errors: [{ field, message }] });
}
