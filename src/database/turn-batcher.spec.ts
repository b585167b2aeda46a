import { AsyncLocalStorage } from 'node:async_hooks';

import { describe, expect, it } from '@jest/globals';

import { TurnBatcher } from './turn-batcher.js';

/** A batcher over a fake `run` that records each batch it gets and answers `item * 10`, or fails as `fail` says. */
function recordingBatcher(options: { maxBatch?: number; fail?: (items: number[]) => Error | undefined; retryAlone?: boolean } = {}) {
  const batches: number[][] = [];
  const batcher = new TurnBatcher<number, number>({
    run: (items) => {
      batches.push(items);
      const error = options.fail?.(items);
      return error ? Promise.reject(error) : Promise.resolve(items.map((item) => item * 10));
    },
    maxBatch: options.maxBatch ?? 100,
    retryAlone: () => options.retryAlone ?? true,
  });
  return { batches, batcher };
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('TurnBatcher', () => {
  it('runs the calls of one turn as one batch and gives each caller its own result', async () => {
    const { batches, batcher } = recordingBatcher();
    const results = await Promise.all([batcher.submit(1), batcher.submit(2), batcher.submit(3)]);
    expect(results).toEqual([10, 20, 30]);
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it('runs calls of different turns in different batches', async () => {
    const { batches, batcher } = recordingBatcher();
    const first = batcher.submit(1);
    await nextTurn();
    const second = batcher.submit(2);
    expect(await Promise.all([first, second])).toEqual([10, 20]);
    expect(batches).toEqual([[1], [2]]);
  });

  it('waits for the end of the turn: calls made after an await in the same turn join the batch', async () => {
    const { batches, batcher } = recordingBatcher();
    const first = batcher.submit(1);
    await Promise.resolve();
    const second = batcher.submit(2);
    await Promise.all([first, second]);
    expect(batches).toEqual([[1, 2]]);
  });

  it('splits a turn larger than maxBatch into batches of at most maxBatch', async () => {
    const { batches, batcher } = recordingBatcher({ maxBatch: 2 });
    const results = await Promise.all([1, 2, 3, 4, 5].map((item) => batcher.submit(item)));
    expect(results).toEqual([10, 20, 30, 40, 50]);
    expect(batches).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('runs a failed batch again one item at a time, so only the item the batch could not take fails', async () => {
    const poison = new Error('item 2 cannot be written');
    const { batches, batcher } = recordingBatcher({ fail: (items) => (items.includes(2) ? poison : undefined) });
    const outcomes = await Promise.allSettled([batcher.submit(1), batcher.submit(2), batcher.submit(3)]);
    expect(outcomes).toEqual([
      { status: 'fulfilled', value: 10 },
      { status: 'rejected', reason: poison },
      { status: 'fulfilled', value: 30 },
    ]);
    expect(batches).toEqual([[1, 2, 3], [1], [2], [3]]);
  });

  it('fails every caller of the batch at once when the failure is not one to retry alone (an outage)', async () => {
    const outage = new Error('Connection terminated unexpectedly');
    const { batches, batcher } = recordingBatcher({ fail: () => outage, retryAlone: false });
    const outcomes = await Promise.allSettled([batcher.submit(1), batcher.submit(2)]);
    expect(outcomes).toEqual([
      { status: 'rejected', reason: outage },
      { status: 'rejected', reason: outage },
    ]);
    expect(batches).toEqual([[1, 2]]);
  });

  it('fails the callers when a batch returns a different number of results than it got items', async () => {
    const batcher = new TurnBatcher<number, number>({ run: () => Promise.resolve([1]), maxBatch: 10, retryAlone: () => false });
    const outcomes = await Promise.allSettled([batcher.submit(1), batcher.submit(2)]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected']);
    expect(String((outcomes[0] as PromiseRejectedResult).reason)).toMatch(/a batch of 2 returned 1 results/);
  });

  it('refuses a maxBatch below 1', () => {
    expect(() => new TurnBatcher({ run: () => Promise.resolve([]), maxBatch: 0, retryAlone: () => true })).toThrow(RangeError);
  });

  it("runs a batch in the batcher's own async context, not in the first caller's, and answers each caller in its own", async () => {
    const requestContext = new AsyncLocalStorage<string>();
    const seenByBatches: (string | undefined)[] = [];
    const batcher = requestContext.run(
      'made at startup',
      () =>
        new TurnBatcher<number, number>({
          run: (items) => {
            seenByBatches.push(requestContext.getStore());
            return Promise.resolve(items);
          },
          maxBatch: 10,
          retryAlone: () => false,
        }),
    );
    const answeredIn = await Promise.all(
      ['request 1', 'request 2'].map((id, i) =>
        requestContext.run(id, async () => {
          await batcher.submit(i);
          return requestContext.getStore();
        }),
      ),
    );
    expect(seenByBatches).toEqual(['made at startup']);
    expect(answeredIn).toEqual(['request 1', 'request 2']);
  });
});
