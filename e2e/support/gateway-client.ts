// A client of the gateway for e2e suites, as a customer's program would be: JSON in and out, the
// caller's credential, an Idempotency-Key on every POST; every error body it is answered goes to the
// canary watch. And `waitFor`, which polls a state until it holds (no fixed sleeps).
import { randomUUID } from 'node:crypto';
import type { CanaryWatch } from './canaries';

export interface Answer {
  status: number;
  headers: Headers;
  // the JSON the platform answered; tests read fields of it freely
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  text: string;
}

export interface CallOptions {
  body?: unknown;
  headers?: Record<string, string>;
  /** default: a fresh key on POST; `false` sends none */
  idempotencyKey?: string | false;
}

export interface GatewayClient {
  call(method: string, path: string, credential: string | null, options?: CallOptions): Promise<Answer>;
  get(path: string, credential: string): Promise<Answer>;
  /** POSTs and insists on the status (201 unless told): returns the body, or throws with the answer */
  post(path: string, credential: string, body?: unknown, expected?: number): Promise<Answer['body']>;
}

export function gatewayClient(baseUrl: string, watch?: CanaryWatch): GatewayClient {
  const call = async (method: string, path: string, credential: string | null, options: CallOptions = {}): Promise<Answer> => {
    const headers: Record<string, string> = { ...options.headers };
    if (credential !== null) headers.authorization = `Bearer ${credential}`;
    if (options.body !== undefined) headers['content-type'] ??= 'application/json';
    if (method === 'POST' && options.idempotencyKey !== false) headers['idempotency-key'] ??= options.idempotencyKey ?? randomUUID();
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body),
    });
    const text = await res.text();
    if (res.status >= 400) watch?.sawErrorBody(text);
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    return { status: res.status, headers: res.headers, body, text };
  };
  return {
    call,
    get: (path, credential) => call('GET', path, credential),
    async post(path, credential, body, expected = 201) {
      const answer = await call('POST', path, credential, { body });
      if (answer.status !== expected) throw new Error(`POST ${path}: expected ${expected}, got ${answer.status} ${answer.text.slice(0, 500)}`);
      return answer.body;
    },
  };
}

/** Reads `read()` every 100 ms until `done` holds for its value; returns that value, or throws naming `what` and the last value. */
export async function waitFor<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    last = await read();
    if (done(last)) return last;
    if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for ${what}; last seen: ${JSON.stringify(last)?.slice(0, 800)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
