// Sealing of webhook signing secrets at rest (issue 17 item 1): unlike API keys they cannot be kept
// as a hash, because every delivery is signed with them, so they are kept AES-256-GCM encrypted
// (node:crypto) under a key from config (WEBHOOK_SECRET_ENCRYPTION_KEY, or PRINCIPAL_SECRET through
// HKDF for this purpose only, as the gateway derives its idempotency key). The endpoint id is the
// associated data, so a sealed secret copied onto another endpoint does not open.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const VERSION = 'v1';

/** The 256-bit key for sealed secrets, derived (HKDF-SHA256) from a configured secret. */
export function secretKeyFrom(configured: string): Buffer {
  return Buffer.from(hkdfSync('sha256', configured, 'runfleet notifications', 'webhook secrets v1', 32));
}

export class SecretCipher {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('SecretCipher needs a 32-byte key');
  }

  /** `v1.<iv>.<tag>.<ciphertext>`, base64url parts. */
  seal(plaintext: string, endpointId: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(endpointId));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [VERSION, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ciphertext.toString('base64url')].join('.');
  }

  /** Throws when the value was sealed under another key, for another endpoint, or altered. */
  open(sealed: string, endpointId: string): string {
    const [version, iv, tag, ciphertext] = sealed.split('.');
    if (version !== VERSION || iv === undefined || tag === undefined || ciphertext === undefined) {
      throw new Error('sealed webhook secret has an unknown format');
    }
    const decipher = createDecipheriv(ALGORITHM, this.key, Buffer.from(iv, 'base64url'), { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(endpointId));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
  }
}
