// The signed principal forwarded with every request (DESIGN.md §7): valid for 60 s, and re-used
// for up to half of that, so the hot path signs once per key every 30 s instead of per request.
import type { Principal } from '@runfleet/contracts';
import { signPrincipal } from '@runfleet/service-kit';
import type { VerifiedCredential } from '../domain/verified-credential';

const LIFETIME_SECONDS = 60;
const REUSE_SECONDS = 30;
const MAX_ENTRIES = 50_000;

export class PrincipalSigner {
  private readonly signed = new Map<string, { token: string; exp: number; principal: string }>();

  constructor(private readonly secret: string) {}

  tokenFor(credential: VerifiedCredential, nowSeconds = Math.floor(Date.now() / 1000)): string {
    // The principal is part of the memo key: a key whose owner or scopes changed is signed afresh.
    const principal = JSON.stringify(credential.principal);
    const memo = this.signed.get(credential.keyId);
    if (memo && memo.principal === principal && memo.exp - nowSeconds > LIFETIME_SECONDS - REUSE_SECONDS) return memo.token;
    const exp = nowSeconds + LIFETIME_SECONDS;
    const token = signPrincipal({ ...credential.principal, exp } satisfies Principal, this.secret);
    if (this.signed.size >= MAX_ENTRIES) this.signed.clear();
    this.signed.set(credential.keyId, { token, exp, principal });
    return token;
  }
}
