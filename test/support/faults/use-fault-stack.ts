import { afterAll, beforeAll } from '@jest/globals';

import { createTestApp, type TestApp } from '../test-app.js';
import { type FaultStack, startFaultStack } from './fault-stack.js';

/**
 * A fault stack of the spec's own and an app on it, with `appEnv` on top (the bounds under test):
 * started in `beforeAll`, closed in `afterAll` — the app first, then the stack. Both are proxies,
 * usable inside hooks and tests (like `useTestApp`).
 */
export function useFaultStack(appEnv: Record<string, string>): { stack: FaultStack; t: TestApp } {
  let stack: FaultStack | undefined;
  let t: TestApp | undefined;
  beforeAll(async () => {
    stack = await startFaultStack();
    t = await createTestApp({ ...stack.env, ...appEnv });
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await stack?.dispose();
  }, 60_000);
  return { stack: startedLater(() => stack), t: startedLater(() => t) };
}

function startedLater<T extends object>(current: () => T | undefined): T {
  return new Proxy({} as T, {
    get: (_handle, property) => {
      const value = current();
      if (!value) throw new Error('useFaultStack: the stack starts in beforeAll; use it inside hooks and tests');
      return Reflect.get(value, property) as unknown;
    },
  });
}
