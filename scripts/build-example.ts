/*
 * `npm run example:build`: bundles the browser example (examples/browser/src, TypeScript + Uppy +
 * its CSS) into examples/browser/dist with esbuild from npm. No CDN: every byte comes from
 * node_modules. `npm run dev` runs it before it serves the page.
 */
import { fileURLToPath } from 'node:url';

import { build } from 'esbuild';

export const EXAMPLE_ROOT = fileURLToPath(new URL('../examples/browser', import.meta.url));

/** Bundles `entry` (a page's TypeScript) and the CSS it imports into `outdir`/`name`.js and .css. */
export async function bundlePage(entry: string, outdir: string, name: string, alias: Record<string, string> = {}): Promise<void> {
  await build({
    entryPoints: { [name]: entry },
    bundle: true,
    format: 'esm',
    target: 'es2022',
    outdir,
    sourcemap: true,
    alias,
    logLevel: 'warning',
  });
}

export async function buildExample(): Promise<void> {
  await bundlePage(`${EXAMPLE_ROOT}/src/main.ts`, `${EXAMPLE_ROOT}/dist`, 'main');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await buildExample();
  console.log(`built ${EXAMPLE_ROOT}/dist`);
}
