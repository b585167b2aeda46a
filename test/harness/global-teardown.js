/** Stops the services started by global-setup.js and waits until they are gone. */
export default async function globalTeardown() {
  const child = globalThis.__R2_FILES_TEST_STACK__;
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}
