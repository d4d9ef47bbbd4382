// Secret canaries (DESIGN.md §7, issue 18 item 7): a suite plants secrets — real ones it was given
// and forged ones of the same shape — in its requests, notes every error body it is answered, and at
// the end searches every log line, those bodies and every dead-lettered message of its vhost for
// them. A secret found anywhere is a leak. Used by the saga suite and the chaos suite.
import { createHash, randomBytes } from 'node:crypto';
import { rabbitManagement } from '@runfleet/test-infra';

export type CanaryKind =
  | 'api-key'
  | 'runner-token'
  | 'registration-token'
  | 'webhook-secret'
  | 'payout-iban'
  | 'stripe-webhook-secret'
  // issue 19: a person's password, session token (`rf_ss_…`) and a mailed one-time token
  | 'password'
  | 'session-token'
  | 'account-token'
  // a person's two-factor (TOTP) secret, base32, shown once on the account page
  | 'totp-secret';

export interface Canary {
  kind: CanaryKind;
  /** the secret as sent */
  value: string;
  /** true: a working secret the platform issued or was configured with; false: a forged one it must refuse */
  valid: boolean;
  /** what a leak could look like: the whole secret and the parts of it that are secret on their own */
  needles: string[];
}

export interface CanaryHit {
  kind: CanaryKind;
  valid: boolean;
  /** `log [service]`, `error body` or `dead letter <queue>` */
  where: string;
  /** the text around the hit, the secret itself masked */
  excerpt: string;
}

export interface CanarySources {
  /** every log line of every process (Stack.allLines()) */
  lines: string[];
  /** the vhost whose `*.dead` queues are read (messages are requeued, so a scan changes nothing) */
  vhost?: string;
  /** anything else the platform sent out that no secret belongs in (caught mails, webhook bodies), each with where it was */
  texts?: Array<{ where: string; text: string }>;
}

export interface CanaryReport {
  hits: CanaryHit[];
  searched: { canaries: number; lines: number; errorBodies: number; deadLetters: number; texts: number };
}

/** more than any suite dead-letters; each is requeued after reading */
const DEAD_LETTERS_READ_PER_QUEUE = 10_000;
// base62, as the platform's tokens: a `_` or `-` inside the secret part would cut its needle short
// (needlesOf takes what follows the last `_`) and match ordinary log text
const NOT_BASE62 = /[^A-Za-z0-9]/g;

function randomToken(length: number): string {
  return randomBytes(length * 2).toString('base64url').replace(NOT_BASE62, '').slice(0, length);
}

/** `rf_sk_` / `rf_rt_` / `rf_rg_` + a 12-character lookup id + `_` + a 43-character secret, as the platform issues them. */
function forgedToken(prefix: 'rf_sk_' | 'rf_rt_' | 'rf_rg_' | 'rf_ss_'): string {
  return `${prefix}${randomToken(12)}_${randomToken(43)}`;
}

function ibanCheckDigits(country: string, bban: string): string {
  const digits = `${bban}${country}00`.replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));
  let remainder = 0;
  for (const d of digits) remainder = (remainder * 10 + Number(d)) % 97;
  return String(98 - remainder).padStart(2, '0');
}

/** A German IBAN of random digits: with `valid` its check digits are right, else deliberately wrong. */
export function canaryIban(valid: boolean): string {
  const bban = Array.from(randomBytes(18), (b) => String(b % 10)).join('');
  const check = ibanCheckDigits('DE', bban);
  const wrong = String((Number(check) + 1) % 97 || 2).padStart(2, '0');
  return `DE${valid ? check : wrong}${bban}`;
}

/** A Stripe-style endpoint secret (`whsec_` + 32 characters). */
export function canaryStripeSecret(): string {
  return `whsec_${randomToken(32)}`;
}

function needlesOf(kind: CanaryKind, value: string): string[] {
  switch (kind) {
    case 'api-key':
    case 'runner-token':
    case 'registration-token':
    case 'session-token':
      // the lookup id (`rf_sk_<lookupId>`) is shown as the key's prefix; the part after it is the secret
      return [value, value.slice(value.lastIndexOf('_') + 1)];
    case 'webhook-secret':
    case 'stripe-webhook-secret':
      return [value, value.replace(/^whsec_/, '')];
    case 'payout-iban': {
      const grouped = value.replace(/(.{4})/g, '$1 ').trim();
      // the account number alone (the last 10 digits) identifies the account too
      return [value, grouped, value.slice(-10)];
    }
    case 'password':
    case 'account-token':
    case 'totp-secret':
      return [value];
  }
}

function mask(text: string, needle: string): string {
  return text.split(needle).join(`<${needle.slice(0, 4)}…${createHash('sha256').update(needle).digest('hex').slice(0, 6)}>`);
}

function excerptOf(text: string, index: number, needle: string): string {
  const start = Math.max(0, index - 120);
  return mask(text.slice(start, index + needle.length + 120), needle);
}

export interface DeadLetter {
  queue: string;
  text: string;
}

/**
 * Every message in the `<service>.<concern>.dead` queues of a vhost, payload and properties (headers
 * included), read through the management API and requeued — as an operator inspecting them would.
 */
export async function readDeadLetters(vhost: string): Promise<DeadLetter[]> {
  const v = encodeURIComponent(vhost);
  const queues = (await (await rabbitManagement('GET', `/api/queues/${v}?columns=name`)).json()) as Array<{ name: string }>;
  const letters: DeadLetter[] = [];
  for (const queue of queues.filter((q) => q.name.endsWith('.dead'))) {
    // the management API's message counts lag by its statistics interval (5 s): ask for all there are
    const answer = await rabbitManagement('POST', `/api/queues/${v}/${encodeURIComponent(queue.name)}/get`, {
      count: DEAD_LETTERS_READ_PER_QUEUE,
      ackmode: 'ack_requeue_true',
      encoding: 'auto',
      truncate: 1_000_000,
    });
    // a queue deleted since it was listed has nothing to read
    if (answer.status === 404) continue;
    const messages = (await answer.json()) as Array<Record<string, unknown>>;
    for (const message of messages) letters.push({ queue: queue.name, text: JSON.stringify(message) });
  }
  return letters;
}

/** The canaries a suite planted and the error bodies it saw; `scan` searches for them. */
export class CanaryWatch {
  private readonly canaries: Canary[] = [];
  private readonly errorBodies: string[] = [];

  /** Records a secret the suite is about to send (or was given); returns it. */
  plant(kind: CanaryKind, value: string, valid: boolean): string {
    if (value.length < 8) throw new Error(`a ${kind} canary must be at least 8 characters`);
    this.canaries.push({ kind, value, valid, needles: needlesOf(kind, value) });
    return value;
  }

  /** A forged secret of the kind's shape, recorded as a canary. */
  forge(kind: CanaryKind): string {
    switch (kind) {
      case 'api-key':
        return this.plant(kind, forgedToken('rf_sk_'), false);
      case 'runner-token':
        return this.plant(kind, forgedToken('rf_rt_'), false);
      case 'registration-token':
        return this.plant(kind, forgedToken('rf_rg_'), false);
      case 'webhook-secret':
        return this.plant(kind, `whsec_${randomBytes(32).toString('base64')}`, false);
      case 'stripe-webhook-secret':
        return this.plant(kind, canaryStripeSecret(), false);
      case 'payout-iban':
        return this.plant(kind, canaryIban(false), false);
      case 'session-token':
        return this.plant(kind, forgedToken('rf_ss_'), false);
      case 'password':
      case 'account-token':
        return this.plant(kind, randomBytes(18).toString('base64url'), false);
      case 'totp-secret':
        return this.plant(kind, randomToken(32).toUpperCase().replace(/[^A-Z2-7]/g, 'Q'), false);
    }
  }

  /** Notes a body the platform answered (call it for every 4xx/5xx). */
  sawErrorBody(body: string): void {
    this.errorBodies.push(body);
  }

  get planted(): readonly Canary[] {
    return this.canaries;
  }

  /** Searches the log lines, the error bodies seen and the vhost's dead letters for every canary. */
  async scan(sources: CanarySources): Promise<CanaryReport> {
    const deadLetters = sources.vhost ? await readDeadLetters(sources.vhost) : [];
    const texts: Array<{ where: string; text: string }> = [
      ...sources.lines.map((line) => ({ where: `log ${/^\[[^\]]+\]/.exec(line)?.[0] ?? ''}`.trim(), text: line })),
      ...this.errorBodies.map((text) => ({ where: 'error body', text })),
      ...deadLetters.map((letter) => ({ where: `dead letter ${letter.queue}`, text: letter.text })),
      ...(sources.texts ?? []),
    ];
    const hits: CanaryHit[] = [];
    for (const canary of this.canaries) {
      for (const { where, text } of texts) {
        for (const needle of canary.needles) {
          const index = text.indexOf(needle);
          if (index >= 0) {
            hits.push({ kind: canary.kind, valid: canary.valid, where, excerpt: excerptOf(text, index, needle) });
            break;
          }
        }
      }
    }
    return {
      hits,
      searched: {
        canaries: this.canaries.length,
        lines: sources.lines.length,
        errorBodies: this.errorBodies.length,
        deadLetters: deadLetters.length,
        texts: sources.texts?.length ?? 0,
      },
    };
  }
}
