/*
 * The S3 emulator in its own process for the benchmark, so that neither the API nor the baseline
 * client shares an event loop with the store they call, and its CPU can be told apart.
 * Prints `READY <endpoint>`; stops when its parent closes stdin or sends SIGTERM.
 */
import { startS3Emulator } from '../scripts/local-stack/s3-emulator.js';

const [directory, bucket] = process.argv.slice(2) as [string, string];
const s3 = await startS3Emulator({ directory, bucket, corsOrigins: ['http://localhost'], resetOnClose: true });
process.stdout.write(`READY ${s3.endpoint}\n`);

const stop = () => void s3.stop().finally(() => process.exit(0));
process.on('SIGTERM', stop);
process.stdin.on('close', stop);
process.stdin.resume();
