/*
 * `npm run test:browser:check`: starts the Chromium the browser tests would use and prints which
 * one, or fails with how to install one. `.ci/run` calls it to decide whether to install Debian's.
 */
import { launchChromium } from './chromium.js';

try {
  const browser = await launchChromium();
  console.log(`Chromium ${browser.version} from ${browser.source}: ${browser.executablePath}`);
  await browser.close();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
