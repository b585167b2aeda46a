// Where the API build under test keeps a module: ablations are loaded with `--import` before the
// app's main.js (process.argv[1], `<build>/src/main.js`) and must patch the very module instances
// the app will load, so they import them from that build, not from this checkout's dist/.
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

const source = dirname(process.argv[1] ?? '');

/**
 * Replaces `method` of the class `className` exported by `<build>/src/<path>`; `replace` gets the
 * original. Fails loudly when the build has no such method: an ablation that patched nothing would
 * measure the full app under the ablation's name.
 */
export async function replaceMethod(path, className, method, replace) {
  const exports = await import(pathToFileURL(join(source, path)).href);
  const original = exports[className]?.prototype?.[method];
  if (typeof original !== 'function') throw new Error(`ablation: ${path} exports no ${className}.${method}`);
  exports[className].prototype[method] = replace(original);
}
