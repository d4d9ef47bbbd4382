// Asks the issuing service whether a credential is valid (POST <verifyPath> {key}), as the
// gateway itself: a signed `service` principal, never the caller's (DESIGN.md §7).
import { CORRELATION_HEADER, PRINCIPAL_HEADER } from '@runfleet/contracts';
import { AppError, currentCorrelationId, signPrincipal, type Logger } from '@runfleet/service-kit';
import type { CredentialKind } from '../domain/credential-kinds';
import { verifiedCredentialSchema, type VerifiedCredential } from '../domain/verified-credential';
import { GatewayError, retryAfter } from './gateway-errors';
import type { Upstreams } from './upstreams';

const SERVICE_PRINCIPAL_SECONDS = 60;

function verifierUnavailable(kind: CredentialKind, cause?: unknown): GatewayError {
  return new GatewayError(
    AppError.serviceUnavailable('AUTH_VERIFIER_UNAVAILABLE', 'Credentials cannot be checked right now; retry shortly.', { cause }),
    retryAfter(1000),
  );
}

export class CredentialVerifier {
  constructor(
    private readonly upstreams: Upstreams,
    private readonly principalSecret: string,
    private readonly logger: Logger,
  ) {}

  private serviceToken(): string {
    const exp = Math.floor(Date.now() / 1000) + SERVICE_PRINCIPAL_SECONDS;
    return signPrincipal({ type: 'service', id: 'api-gateway', resellerId: null, scopes: [], exp }, this.principalSecret);
  }

  /**
   * The issuer's verdict: the verified credential, or null when it says the credential is not
   * valid (401). Throws 503 when the issuer cannot answer: a caller must not be told its key is
   * wrong because a service is down.
   */
  async verify(kind: CredentialKind, token: string): Promise<VerifiedCredential | null> {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      [PRINCIPAL_HEADER]: this.serviceToken(),
    };
    const correlationId = currentCorrelationId();
    if (correlationId) headers[CORRELATION_HEADER] = correlationId;
    let response;
    try {
      response = await this.upstreams[kind.upstream].request({
        method: 'POST',
        path: kind.verifyPath,
        headers,
        body: JSON.stringify({ key: token }),
        // verification reads and changes nothing: another replica may answer it after any failure
        retrySafe: true,
      });
    } catch (err) {
      // Logged once, with this as its cause, by the error handler.
      throw verifierUnavailable(kind, err);
    }
    const text = await response.body.text();
    if (response.statusCode === 401) return null;
    if (response.statusCode !== 200) {
      this.logger.error({ status: response.statusCode, verifier: kind.upstream, path: kind.verifyPath }, 'credential verification answered an unexpected status');
      throw verifierUnavailable(kind);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    const parsed = verifiedCredentialSchema.safeParse(json);
    if (!parsed.success) {
      this.logger.error({ verifier: kind.upstream, issues: parsed.error.issues.map((i) => i.path.join('.')) }, 'credential verification answered an unexpected body');
      throw verifierUnavailable(kind);
    }
    return parsed.data;
  }
}
