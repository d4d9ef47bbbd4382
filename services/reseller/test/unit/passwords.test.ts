// Password rules (issue 19): length ≥ 12 and a zxcvbn score ≥ 3, the user's own words counting as
// guessable; argon2id hashes that verify only the right password; no hash never matches.
import { AppError } from '@runfleet/service-kit';
import { assertStrongPassword, hashPassword, passwordMatches } from '../../src/domain/passwords';

async function refusal(password: string, inputs: string[] = []): Promise<AppError | undefined> {
  try {
    await assertStrongPassword(password, inputs);
    return undefined;
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
}

describe('password strength', () => {
  it.each(['short-Pw-1', 'passwordpassword', 'qwertyuiop123', '111111111111'])('refuses %s with 422 naming body.password', async (password) => {
    const err = await refusal(password);
    expect(err).toMatchObject({ status: 422, code: 'PASSWORD_TOO_WEAK', errors: [{ field: 'body.password' }] });
  });

  it('accepts a long, unguessable password', async () => {
    expect(await refusal('violet-Ferry-42-lantern')).toBeUndefined();
  });

  it("counts the user's own name and email as guessable", async () => {
    expect(await refusal('gracehopper1906')).toBeUndefined();
    expect(await refusal('gracehopper1906', ['grace.hopper1906@example.com', 'gracehopper1906'])).toBeDefined();
  });
});

describe('password hashing', () => {
  it('hashes with argon2id and verifies only the right password', async () => {
    const hash = await hashPassword('violet-Ferry-42-lantern');
    expect(hash).toMatch(/^\$argon2id\$/);
    expect(hash).not.toContain('violet');
    expect(await passwordMatches('violet-Ferry-42-lantern', hash)).toBe(true);
    expect(await passwordMatches('violet-Ferry-42-lanterN', hash)).toBe(false);
  });

  it('never matches when there is no hash (an unknown email, an invited user)', async () => {
    expect(await passwordMatches('runfleet-dummy-password-for-timing', null)).toBe(false);
    expect(await passwordMatches('anything', null)).toBe(false);
  });
});
