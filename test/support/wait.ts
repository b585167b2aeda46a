/**
 * Waits until `condition` holds, checking every `intervalMs`; fails naming `what` if it does not
 * hold within `timeoutMs`. For things that happen on their own (a log line written, a URL expired):
 * never a fixed sleep, and the bound only keeps a broken run from hanging — it asserts no speed.
 */
export async function waitFor(
  what: string,
  condition: () => boolean | Promise<boolean>,
  { timeoutMs = 15_000, intervalMs = 25 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
