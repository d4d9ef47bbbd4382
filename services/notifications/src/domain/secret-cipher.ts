// Sealing of webhook signing secrets at rest (issue 17 item 1): unlike API keys they cannot be kept
// as a hash, because every delivery is signed with them, so they are kept encrypted with the kit's
// SealedBox (AES-256-GCM) under a key from config (WEBHOOK_SECRET_ENCRYPTION_KEY, or PRINCIPAL_SECRET
// through HKDF for this purpose only, as the gateway derives its idempotency key). The endpoint id
// is the associated data, so a sealed secret copied onto another endpoint does not open.
import { SealedBox, sealingKey } from '@runfleet/service-kit';

/** The 256-bit key for sealed secrets, derived (HKDF-SHA256) from a configured secret. */
export function secretKeyFrom(configured: string): Buffer {
  return sealingKey(configured, 'runfleet notifications', 'webhook secrets v1');
}

export class SecretCipher {
  private readonly box: SealedBox;

  constructor(key: Buffer) {
    this.box = new SealedBox(key);
  }

  seal(secret: string, endpointId: string): string {
    return this.box.seal(Buffer.from(secret, 'utf8'), endpointId);
  }

  /** Throws when the value was sealed under another key, for another endpoint, or altered. */
  open(sealed: string, endpointId: string): string {
    const plaintext = this.box.open(sealed, endpointId);
    if (plaintext === undefined) throw new Error('a sealed webhook secret does not open (another key, another endpoint, or altered)');
    return plaintext.toString('utf8');
  }
}
