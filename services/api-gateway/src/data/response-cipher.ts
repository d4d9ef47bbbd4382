// Encryption of the responses kept for Idempotency-Key replays (issue 12 item 4): a stored answer
// can hold a secret shown once — POST /v1/api-keys returns the raw key — and Redis, its dumps and
// its replicas must not hold it readable (DESIGN.md §7). AES-256-GCM from node:crypto with a
// fresh 96-bit IV per record; the record's Redis key is the associated data, so a sealed answer
// moved to another principal's record does not open.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const VERSION = 'v1';

/** The 256-bit key for stored responses, derived (HKDF-SHA256) from a configured secret for this purpose only. */
export function responseKeyFrom(secret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'runfleet api-gateway', 'idempotency responses v1', 32));
}

export class ResponseCipher {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('ResponseCipher needs a 32-byte key');
  }

  /** `v1.<iv>.<tag>.<ciphertext>`, base64url parts. */
  seal(plaintext: Buffer, associatedData: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(associatedData));
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return [VERSION, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ciphertext.toString('base64url')].join('.');
  }

  /** The plaintext, or undefined when the record was sealed under another key or altered. */
  open(sealed: string, associatedData: string): Buffer | undefined {
    const [version, iv, tag, ciphertext] = sealed.split('.');
    if (version !== VERSION || iv === undefined || tag === undefined || ciphertext === undefined) return undefined;
    try {
      const decipher = createDecipheriv(ALGORITHM, this.key, Buffer.from(iv, 'base64url'), { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(associatedData));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]);
    } catch {
      return undefined;
    }
  }
}
