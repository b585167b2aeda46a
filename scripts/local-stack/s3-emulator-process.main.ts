/*
 * The S3 emulator as a process of its own (see s3-emulator-process.ts, which starts it): used by
 * the benchmark, so neither the API nor the baseline client shares an event loop with the store,
 * and by the fault harness, which stops, restarts and freezes it (SIGSTOP) like a real store.
 * Argument: the JSON of S3EmulatorOptions. Prints `READY <endpoint>`; stops when its parent closes
 * stdin or sends SIGTERM.
 */
import { type S3EmulatorOptions, startS3Emulator } from './s3-emulator.js';

const options = JSON.parse(process.argv[2] ?? '{}') as S3EmulatorOptions;
const s3 = await startS3Emulator(options);
process.stdout.write(`READY ${s3.endpoint}\n`);

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  void s3.stop().finally(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.stdin.on('close', stop);
process.stdin.resume();
