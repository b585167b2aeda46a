import { MAX_PARTS, MIN_PART_BYTES } from '../../common/object-size-limits.js';

const MIB = 1024 * 1024;

export interface PartPlan {
  partSize: number;
  partCount: number;
}

/**
 * How to cut `size` bytes into parts: `preferredPartSize` unless that would need more than
 * 10,000 parts, then the smallest whole-MiB size that fits. Every part has `partSize` bytes but the
 * last (R2 requires equal parts).
 */
export function planParts(size: number, preferredPartSize: number): PartPlan {
  const needed = Math.ceil(Math.ceil(size / MAX_PARTS) / MIB) * MIB;
  const partSize = Math.max(preferredPartSize, MIN_PART_BYTES, needed);
  return { partSize, partCount: Math.max(1, Math.ceil(size / partSize)) };
}

/**
 * The parts of `size` bytes cut at a size the client chose (Uppy decides its chunk size before it
 * talks to the server). Null when that would need more than 10,000 parts. The size itself is
 * validated by the DTO: 5 MiB to 5 GiB.
 */
export function planPartsOfSize(size: number, partSize: number): PartPlan | null {
  const partCount = Math.max(1, Math.ceil(size / partSize));
  return partCount <= MAX_PARTS ? { partSize, partCount } : null;
}

/** The smallest part size that cuts `size` bytes into at most 10,000 parts (and at least 5 MiB). */
export function smallestPartSize(size: number): number {
  return Math.max(MIN_PART_BYTES, Math.ceil(size / MAX_PARTS));
}

/** Bytes of part `partNumber` (1-based) of a file of `size` bytes. */
export function partLength(plan: PartPlan, size: number, partNumber: number): number {
  return partNumber < plan.partCount ? plan.partSize : size - plan.partSize * (plan.partCount - 1);
}
