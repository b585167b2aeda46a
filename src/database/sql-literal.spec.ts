import { describe, expect, it } from '@jest/globals';

import { literal, sql } from './sql-literal.js';

describe('sql literals', () => {
  it('escapes strings so they cannot end the literal', () => {
    expect(literal("O'Brien")).toBe("'O''Brien'");
    expect(literal("x'); DROP TABLE r2_files; --")).toBe("'x''); DROP TABLE r2_files; --'");
    expect(literal('back\\slash')).toBe(" E'back\\\\slash'");
  });

  it('writes numbers, booleans, null, dates and arrays', () => {
    expect(sql`SELECT ${1}, ${true}, ${null}, ${new Date('2026-11-29T00:00:00.000Z')}, ${[1, 2]}`).toBe(
      "SELECT 1, TRUE, NULL, '2026-11-29T00:00:00.000Z'::timestamptz, ARRAY[1, 2]",
    );
  });

  it('refuses values it cannot write safely', () => {
    expect(() => literal(Number.NaN)).toThrow(TypeError);
    expect(() => literal({} as never)).toThrow(TypeError);
  });
});
