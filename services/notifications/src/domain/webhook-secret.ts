// Webhook signing secrets and signatures per the Standard Webhooks scheme (issue 17 item 2,
// standardwebhooks.com): a secret is `whsec_` + base64 of random bytes; a signature is
// `v1,` + base64 HMAC-SHA256 of `<webhook-id>.<webhook-timestamp>.<body>` under the decoded secret.
// Several secrets (during a rotation's overlap) give several space-separated signatures.
import { createHmac, randomBytes } from 'node:crypto';

export const SECRET_PREFIX = 'whsec_';
/** 32 bytes: inside the 24–64 bytes Standard Webhooks recommends */
const SECRET_BYTES = 32;

export function generateSecret(): string {
  return SECRET_PREFIX + randomBytes(SECRET_BYTES).toString('base64');
}

/** The HMAC key a `whsec_…` secret stands for. */
export function secretKey(secret: string): Buffer {
  return Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, 'base64');
}

/** The `webhook-signature` header value: one `v1,<b64>` per key, space-separated. */
export function signatureHeader(keys: readonly Buffer[], messageId: string, timestampSeconds: number, body: string): string {
  return keys
    .map((key) => `v1,${createHmac('sha256', key).update(`${messageId}.${timestampSeconds}.${body}`).digest('base64')}`)
    .join(' ');
}
