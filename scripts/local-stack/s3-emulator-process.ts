import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import type { S3EmulatorOptions } from './s3-emulator.js';

const ENTRY = fileURLToPath(new URL('./s3-emulator-process.main.ts', import.meta.url));
const STARTUP_TIMEOUT_MS = 60_000;

export interface S3EmulatorProcess {
  endpoint: string;
  port: number;
  /** The emulator's process: its PID is what the benchmark measures and the fault harness freezes. */
  process: ChildProcess;
  /** Stops it (SIGTERM after a SIGCONT, so a frozen emulator stops too) and waits until it has exited. */
  stop(): Promise<void>;
}

/**
 * Runs the S3 emulator (s3-emulator.ts) in a child process and resolves once it serves. The child
 * also stops when this process goes away (its stdin closes), so a crashed run leaves nothing behind.
 */
export async function startS3EmulatorProcess(options: S3EmulatorOptions): Promise<S3EmulatorProcess> {
  const child = spawn(process.execPath, ['--import', '@swc-node/register/esm-register', ENTRY, JSON.stringify(options)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  const endpoint = await new Promise<string>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the S3 emulator did not start within ${STARTUP_TIMEOUT_MS} ms`));
    }, STARTUP_TIMEOUT_MS);
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const ready = /READY (\S+)/.exec(output);
      if (ready?.[1]) {
        clearTimeout(timer);
        resolve(ready[1]);
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`the S3 emulator exited (${child.exitCode ?? child.signalCode}) before it was ready`));
    });
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGCONT');
    child.kill('SIGTERM');
    await exited;
  };
  return { endpoint, port: Number(new URL(endpoint).port), process: child, stop };
}
