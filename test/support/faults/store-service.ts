import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { EMULATOR_CREDENTIALS } from '../../../scripts/local-stack/s3-emulator.js';
import { type S3EmulatorProcess, startS3EmulatorProcess } from '../../../scripts/local-stack/s3-emulator-process.js';
import type { FaultyService } from './faulty-service.js';
import { freezeTree, thawTree } from './process-tree.js';

/** The S3 emulator as its own process; stored objects survive `stop()`/`start()`. */
export interface StoreService extends FaultyService {
  /** The emulator's own address (not through a fault proxy). */
  endpoint: string;
  bucket: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** PID of the emulator process, or null when stopped. */
  pid(): number | null;
}

const BUCKET = 'r2-files-faults';

/** The S3 emulator (SigV4-checking) as a process of the test's own, that the test can stop, start and freeze. */
export async function startStoreService(): Promise<StoreService> {
  const directory = join(tmpdir(), `r2-files-faults-s3-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`);
  const launch = (port?: number) =>
    startS3EmulatorProcess({ directory, bucket: BUCKET, corsOrigins: ['http://localhost:5173'], resetOnClose: false, port });
  let emulator: S3EmulatorProcess | null = await launch();
  const port = emulator.port;
  let frozen = false;

  const service: StoreService = {
    endpoint: emulator.endpoint,
    port,
    bucket: BUCKET,
    credentials: { ...EMULATOR_CREDENTIALS },
    get frozen() {
      return frozen;
    },
    get running() {
      return emulator !== null;
    },
    pid: () => emulator?.process.pid ?? null,
    async stop() {
      service.thaw();
      await emulator?.stop();
      emulator = null;
    },
    async start() {
      if (emulator) return;
      emulator = await launch(port);
    },
    freeze() {
      const pid = service.pid();
      if (!pid) throw new Error('the store is not running: nothing to freeze');
      freezeTree(pid);
      frozen = true;
    },
    thaw() {
      const pid = service.pid();
      if (frozen && pid) thawTree(pid);
      frozen = false;
    },
    async dispose() {
      await service.stop();
      rmSync(directory, { recursive: true, force: true });
    },
  };
  return service;
}
