// Waiting for a count to settle instead of sleeping a fixed time and asserting it (issue 13): a late
// duplicate arrives after a redelivery or a retry delay, not after 300 ms, so a test that wants to
// prove "exactly N" must watch the count stay put for a window long enough to see one.

export interface StableCountOptions {
  /** how long the value must stay unchanged (default 2 s: longer than a redelivery after a reconnect) */
  stableMs?: number;
  /** give up after this long (default 30 s) */
  timeoutMs?: number;
  intervalMs?: number;
  /** the count must reach at least this before the stable window starts */
  atLeast?: number;
}

/**
 * Polls `read` until it has returned the same value (compared as JSON) for `stableMs` in a row, and
 * at least `atLeast` when given; returns that value for the caller to assert exactly. Throws on timeout
 * with the last value seen.
 */
export async function waitForStableCount<T extends number | Record<string, number>>(
  read: () => Promise<T>,
  options: StableCountOptions = {},
): Promise<T> {
  const stableMs = options.stableMs ?? 2_000;
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  const interval = options.intervalMs ?? 100;
  const reached = (v: T) => {
    if (options.atLeast === undefined) return true;
    const n = typeof v === 'number' ? v : Math.max(...Object.values(v));
    return n >= options.atLeast;
  };
  let last = await read();
  let since = Date.now();
  for (;;) {
    if (reached(last) && Date.now() - since >= stableMs) return last;
    if (Date.now() > deadline) {
      throw new Error(`count not stable for ${stableMs} ms${options.atLeast !== undefined ? ` at >= ${options.atLeast}` : ''} in time; last ${JSON.stringify(last)}`);
    }
    await new Promise((r) => setTimeout(r, interval));
    const next = await read();
    if (JSON.stringify(next) !== JSON.stringify(last)) {
      last = next;
      since = Date.now();
    }
  }
}
