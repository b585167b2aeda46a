import { AsyncResource } from 'node:async_hooks';

export interface TurnBatcherOptions<I, O> {
  /** Runs the items as one batch; resolves with one result per item, in their order. */
  run: (items: I[]) => Promise<O[]>;
  /** At most this many items per batch; more in one turn make several batches, run side by side. */
  maxBatch: number;
  /**
   * Whether a failed batch of several items is run again one item per batch, so that an item the
   * batch could not take fails alone, not with the others. Say no for failures that would hit each
   * item as well (e.g. the database is down): retrying them one by one would only multiply the load.
   */
  retryAlone: (error: unknown) => boolean;
}

interface Waiting<I, O> {
  item: I;
  resolve: (result: O) => void;
  reject: (error: unknown) => void;
}

/**
 * Gathers the calls made in one turn of the event loop and runs them as one batch, right after
 * that turn's I/O callbacks (`setImmediate`): requests that arrive together — as they do under
 * load — share one round trip; a lone call waits for nothing but the end of its turn. Nothing is
 * held across turns, so a batch waits on the database exactly as each of its calls would have
 * (the same pool, the same timeouts) and no queue grows here while the database is slow or out.
 * A batch serves many requests, so it runs in the async context the batcher was made in, not in
 * that of the request that happened to come first (whose id the request logger would otherwise
 * put on anything logged meanwhile); each caller gets its result back in its own context.
 * docs/adr/0013-presign-writes-coalesced-per-event-loop-turn.md says why and what it bought.
 */
export class TurnBatcher<I, O> {
  private waiting: Waiting<I, O>[] = [];
  private readonly options: TurnBatcherOptions<I, O>;
  private readonly context = new AsyncResource('TurnBatcher');

  constructor(options: TurnBatcherOptions<I, O>) {
    if (!(options.maxBatch >= 1)) throw new RangeError('maxBatch must be at least 1');
    this.options = options;
  }

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      if (this.waiting.push({ item, resolve, reject }) === 1) setImmediate(this.flushInOwnContext);
    });
  }

  private readonly flushInOwnContext = (): void => {
    this.context.runInAsyncScope(() => this.flush());
  };

  private flush(): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (let start = 0; start < waiting.length; start += this.options.maxBatch) {
      void this.runBatch(waiting.slice(start, start + this.options.maxBatch));
    }
  }

  private async runBatch(batch: Waiting<I, O>[]): Promise<void> {
    let results: O[];
    try {
      results = await this.options.run(batch.map((waiting) => waiting.item));
      if (results.length !== batch.length) throw new Error(`a batch of ${batch.length} returned ${results.length} results`);
    } catch (error) {
      if (batch.length > 1 && this.options.retryAlone(error)) {
        for (const waiting of batch) void this.runBatch([waiting]);
      } else {
        for (const waiting of batch) waiting.reject(error);
      }
      return;
    }
    for (const [i, waiting] of batch.entries()) waiting.resolve(results[i] as O);
  }
}
