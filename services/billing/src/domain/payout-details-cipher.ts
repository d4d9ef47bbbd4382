// Sealing of payout method details at rest (issue 16 item 3, DESIGN.md §7): an IBAN or a PayPal
// address must reach the payout provider as entered, so it cannot be kept as a hash; it is kept
// encrypted with the kit's SealedBox (AES-256-GCM) under a key from config
// (PAYOUT_DETAILS_ENCRYPTION_KEY, or PRINCIPAL_SECRET through HKDF for this purpose only, as
// notifications seals webhook secrets). The method's id is the associated data, so sealed details
// copied onto another method do not open.
import { SealedBox, sealingKey } from '@runfleet/service-kit';

export type PayoutDetails = Record<string, string>;

/** The 256-bit key for sealed payout details, derived (HKDF-SHA256) from a configured secret. */
export function payoutDetailsKeyFrom(configured: string): Buffer {
  return sealingKey(configured, 'runfleet billing', 'payout method details v1');
}

export class PayoutDetailsCipher {
  private readonly box: SealedBox;

  constructor(key: Buffer) {
    this.box = new SealedBox(key);
  }

  seal(details: PayoutDetails, methodId: string): string {
    return this.box.seal(Buffer.from(JSON.stringify(details), 'utf8'), methodId);
  }

  /** Throws (naming no detail) when the value was sealed under another key, for another method, or altered. */
  open(sealed: string, methodId: string): PayoutDetails {
    const plaintext = this.box.open(sealed, methodId);
    if (plaintext === undefined) throw new Error(`the sealed details of payout method ${methodId} do not open (another key, another method, or altered)`);
    return JSON.parse(plaintext.toString('utf8')) as PayoutDetails;
  }
}
