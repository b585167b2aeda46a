import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { type BrowserContext, chromium } from 'playwright-core';

/**
 * Headless, and quiet on the network: without the last four flags Chromium keeps calling Google
 * hosts (updates, sync, field trials), which a closed network refuses and a test must not depend on.
 * `--no-sandbox` because tests run as root in CI and containers.
 */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const DEBIAN_CHROMIUM = '/usr/bin/chromium';

export const HOW_TO_INSTALL_CHROMIUM = [
  'The browser tests need Chromium. Any one of:',
  '  - `npm ci` installs @sparticuz/chromium (a Chromium inside an npm package), used by default;',
  '  - Debian/Ubuntu: `sudo apt-get install -y chromium` (then /usr/bin/chromium is used);',
  '  - CHROMIUM_PATH=/path/to/chrome-or-chromium npm test',
].join('\n');

/** A Chromium binary to try, and where it came from (for the failure message). */
interface Candidate {
  source: string;
  path: () => Promise<string>;
}

/**
 * Where Chromium may be, in order: CHROMIUM_PATH (alone when set: the user chose); else the one
 * `@sparticuz/chromium` ships in its npm package (unpacked to the temp folder on first use), so
 * `npm ci` is the only set-up step; else Debian's package.
 */
function candidates(): Candidate[] {
  const chosen = process.env.CHROMIUM_PATH;
  if (chosen) return [{ source: `CHROMIUM_PATH=${chosen}`, path: () => Promise.resolve(chosen) }];
  return [
    {
      source: '@sparticuz/chromium (npm)',
      path: async () => {
        const { default: packaged } = await import('@sparticuz/chromium');
        return packaged.executablePath();
      },
    },
    {
      source: `Debian's chromium (${DEBIAN_CHROMIUM})`,
      path: () => (existsSync(DEBIAN_CHROMIUM) ? Promise.resolve(DEBIAN_CHROMIUM) : Promise.reject(new Error('not installed'))),
    },
  ];
}

export interface LaunchedChromium {
  context: BrowserContext;
  /** The binary that runs, and where it came from. */
  executablePath: string;
  source: string;
  version: string;
  /** Closes the browser and deletes its profile. */
  close(): Promise<void>;
}

/**
 * Starts headless Chromium with a fresh profile (its own user-data-dir, deleted on close), driven by
 * playwright-core (no browser download: `playwright install` cannot run on a closed network).
 * Throws, with how to install Chromium, when none starts: a browser test fails, it never skips.
 */
export async function launchChromium(): Promise<LaunchedChromium> {
  const failures: string[] = [];
  for (const candidate of candidates()) {
    const userDataDir = mkdtempSync(join(tmpdir(), 'r2-files-chromium-'));
    try {
      const executablePath = await candidate.path();
      const context = await chromium.launchPersistentContext(userDataDir, {
        executablePath,
        headless: true,
        args: CHROMIUM_FLAGS,
        timeout: 30_000,
      });
      const version = context.browser()?.version() ?? 'unknown';
      return {
        context,
        executablePath,
        source: candidate.source,
        version,
        close: async () => {
          await context.close();
          rmSync(userDataDir, { recursive: true, force: true });
        },
      };
    } catch (error) {
      rmSync(userDataDir, { recursive: true, force: true });
      failures.push(`${candidate.source}: ${(error instanceof Error ? error.message : String(error)).split('\n')[0]}`);
    }
  }
  throw new Error(`No Chromium could be started.\n${failures.map((f) => `  - ${f}`).join('\n')}\n${HOW_TO_INSTALL_CHROMIUM}`);
}
