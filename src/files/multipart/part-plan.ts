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

/** Bytes of part `partNumber` (1-based) of a file of `size` bytes. */
export function partLength(plan: PartPlan, size: number, partNumber: number): number {
  return partNumber < plan.partCount ? plan.partSize : size - plan.partSize * (plan.partCount - 1);
}
