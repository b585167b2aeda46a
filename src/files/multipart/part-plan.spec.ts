import { describe, expect, it } from '@jest/globals';

import { MAX_PARTS, MIN_PART_BYTES } from '../../common/object-size-limits.js';
import { partLength, planParts, planPartsOfSize, smallestPartSize } from './part-plan.js';

const MiB = 1024 * 1024;

describe('planParts', () => {
  it('uses the preferred size when it fits in 10,000 parts', () => {
    expect(planParts(100 * MiB, 16 * MiB)).toEqual({ partSize: 16 * MiB, partCount: 7 });
  });

  it('makes one part of a small file', () => {
    expect(planParts(1000, 16 * MiB)).toEqual({ partSize: 16 * MiB, partCount: 1 });
  });

  it('grows the part size so 5 TiB fits in 10,000 parts', () => {
    const size = 5 * 1024 ** 4;
    const plan = planParts(size, 16 * MiB);
    expect(plan.partCount).toBeLessThanOrEqual(MAX_PARTS);
    expect(plan.partSize % MiB).toBe(0);
    expect(plan.partSize * plan.partCount).toBeGreaterThanOrEqual(size);
  });

  it('never goes below 5 MiB per part', () => {
    expect(planParts(50 * MiB, 1).partSize).toBe(MIN_PART_BYTES);
  });

  it('gives every part the same size but the last, and the sizes add up', () => {
    const size = 12 * MiB + 123;
    const plan = planParts(size, 5 * MiB);
    const lengths = Array.from({ length: plan.partCount }, (_, i) => partLength(plan, size, i + 1));
    expect(lengths).toEqual([5 * MiB, 5 * MiB, 2 * MiB + 123]);
    expect(lengths.reduce((a, b) => a + b, 0)).toBe(size);
  });
});

describe('planPartsOfSize (a part size chosen by the client)', () => {
  it('keeps the size asked for, however small the file', () => {
    expect(planPartsOfSize(12 * MiB, 5 * MiB)).toEqual({ partSize: 5 * MiB, partCount: 3 });
    expect(planPartsOfSize(1000, 5 * MiB)).toEqual({ partSize: 5 * MiB, partCount: 1 });
  });

  it('refuses a size that would need more than 10,000 parts, and names the smallest that fits', () => {
    const size = MAX_PARTS * 5 * MiB + 1;
    expect(planPartsOfSize(size, 5 * MiB)).toBeNull();
    const smallest = smallestPartSize(size);
    expect(planPartsOfSize(size, smallest)?.partCount).toBe(MAX_PARTS);
    expect(planPartsOfSize(size, smallest - 1)).toBeNull();
    expect(smallestPartSize(1000)).toBe(MIN_PART_BYTES);
  });
});
