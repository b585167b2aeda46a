/*
 * Runs the test stack in its own process (started by global-setup.js): Jest's global setup
 * cannot load our ESM TypeScript, and a separate process also cleans up after a crashed run —
 * it stops PostgreSQL when its parent goes away (stdin closes) or asks it to (SIGTERM).
 */
import { startTestStack } from './test-stack.js';

const stack = await startTestStack();
process.stdout.write(`READY ${JSON.stringify(stack.env)}\n`);

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  void stack.stop().finally(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.resume();
