import { afterAll, beforeAll } from '@jest/globals';

import { launchChromium, type LaunchedChromium } from './chromium.js';

/**
 * Chromium for a whole spec file: launched before the first test, closed after the last. Use the
 * returned handle inside hooks and tests.
 */
export function useChromium(): LaunchedChromium {
  let current: LaunchedChromium | undefined;
  beforeAll(async () => {
    current = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await current?.close();
  });
  return new Proxy({} as LaunchedChromium, {
    get: (_handle, property) => {
      if (!current) throw new Error('useChromium: Chromium starts in beforeAll; use it inside hooks and tests');
      return Reflect.get(current, property) as unknown;
    },
  });
}
