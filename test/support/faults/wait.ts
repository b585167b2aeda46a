/**
 * Bounded waits for fault tests: every wait is on a condition and has a deadline, so a broken
 * behaviour fails the test with a message instead of hanging the suite.
 */

/** Polls `check` until it returns something truthy (returned) or `timeoutMs` passes (throws, naming `what`). */
export async function waitFor<T>(
  what: string,
  check: () => T | Promise<T>,
  { timeoutMs = 15_000, intervalMs = 25 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const cause = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${cause}`);
    }
    await sleep(intervalMs);
  }
}

/**
 * The value of `promise` if it settles within `ms`; otherwise throws "`what` did not answer within
 * ms". Use it to prove an answer *came* (not hung) with a deadline well above the bound under test:
 * it asserts that something happens, never how fast.
 */
export async function settlesWithin<T>(what: string, promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms (hung)`)), ms);
  });
  try {
    return await Promise.race([promise, hung]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * True when `promise` is still pending after `ms`: proof that something hangs (a frozen service
 * gives no answer). Safe on a slow machine: slowness can only make it "more pending".
 */
export async function isStillPendingAfter(promise: Promise<unknown>, ms: number): Promise<boolean> {
  const PENDING = Symbol('pending');
  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([
    promise.then(
      () => 'settled',
      () => 'settled',
    ),
    new Promise<symbol>((resolve) => {
      timer = setTimeout(() => resolve(PENDING), ms);
    }),
  ]);
  clearTimeout(timer);
  return outcome === PENDING;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
