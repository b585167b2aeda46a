import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';

import { outageLogFields } from '../../common/errors/outage.js';
import { type SweeperConfig, sweeperConfig } from '../../config/configuration.js';
import { ObjectStore } from '../../storage/object-store.js';
import { R2FilesRepository } from '../r2-files.repository.js';

/**
 * Removes abandoned uploads: pending rows whose confirm window ended more than the grace period
 * ago, whatever object a client may have PUT for them, and every multipart upload open under
 * their keys; it also finishes deletes and cancels that stopped between the store and the
 * database. A store failure rolls the batch back: no row goes while its object may remain. Runs every SWEEPER_INTERVAL seconds on
 * every instance; SKIP LOCKED in the repository keeps concurrent instances off each other's rows.
 */
@Injectable()
export class PendingUploadsSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(PendingUploadsSweeper.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;

  constructor(
    private readonly files: R2FilesRepository,
    private readonly storage: ObjectStore,
    @Inject(sweeperConfig.KEY) private readonly config: SweeperConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.intervalSeconds === 0) return;
    this.timer = setInterval(() => void this.tick(), this.config.intervalSeconds * 1000);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** Sweeps until no expired upload is left; returns how many were removed. */
  async sweep(): Promise<number> {
    let total = 0;
    for (;;) {
      const removed = await this.files.sweepExpiredPending(this.config.graceSeconds, this.config.batchSize, async (uploads) => {
        // Multipart uploads hold parts in the store until aborted, including one whose start was
        // cut short before its id was recorded: abort everything open under their keys.
        for (const upload of uploads) {
          if (upload.multipart) await this.storage.abortMultipartUploadsUnder(upload.objectKey);
        }
        await this.storage.deleteMany(uploads.map((upload) => upload.objectKey));
      });
      total += removed;
      if (removed < this.config.batchSize) return total;
    }
  }

  private async tick(): Promise<void> {
    if (this.running) return;
    this.running = this.sweep();
    try {
      const removed = await this.running;
      if (removed > 0) this.logger.log({ removed }, 'Removed expired pending uploads');
    } catch (error) {
      // An outage is expected and retried: one concise line. Anything else is a bug: its stack.
      const outage = outageLogFields(error);
      if (outage) this.logger.warn(outage, 'Sweeping expired uploads failed: a dependency is unavailable; will retry');
      else this.logger.error({ err: error }, 'Sweeping expired uploads failed; will retry');
    } finally {
      this.running = undefined;
    }
  }
}
