import { spawn } from 'node:child_process';

/**
 * Starts the real services for the run (see stack-process.ts) and hands their coordinates to the
 * test files through `process.env`. Plain JS on purpose: Jest loads global setup outside its
 * ESM transform.
 */
export default async function globalSetup() {
  const child = spawn(process.execPath, ['--import', '@swc-node/register/esm-register', 'test/harness/stack-process.ts'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  globalThis.__R2_FILES_TEST_STACK__ = child;

  const env = await new Promise((resolve, reject) => {
    let buffered = '';
    child.stdout.on('data', (chunk) => {
      buffered += chunk.toString();
      const line = buffered.split('\n').find((l) => l.startsWith('READY '));
      if (line) resolve(JSON.parse(line.slice('READY '.length)));
    });
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`the test stack exited early (code ${code})`)));
  });
  Object.assign(process.env, env);
}
