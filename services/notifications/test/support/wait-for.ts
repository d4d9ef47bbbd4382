// Polling until a condition holds, instead of fixed sleeps.
export async function waitFor(condition: () => Promise<boolean> | boolean, message: string, timeoutMs = 30_000, everyMs = 20): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${message}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
