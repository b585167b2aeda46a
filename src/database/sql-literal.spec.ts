import { describe, expect, it } from '@jest/globals';

import { isSqlFragment, join, literal, sql } from './sql-literal.js';

describe('sql literals', () => {
  it('escapes strings so they cannot end the literal', () => {
    expect(literal("O'Brien")).toBe("'O''Brien'");
    expect(literal("x'); DROP TABLE r2_files; --")).toBe("'x''); DROP TABLE r2_files; --'");
    expect(literal('back\\slash')).toBe(" E'back\\\\slash'");
  });

  it('writes numbers, booleans, null, dates and arrays', () => {
    expect(sql`SELECT ${1}, ${true}, ${null}, ${new Date('2026-11-29T00:00:00.000Z')}, ${[1, 2]}`.text).toBe(
      "SELECT 1, TRUE, NULL, '2026-11-29T00:00:00.000Z'::timestamptz, ARRAY[1, 2]",
    );
  });

  it('refuses values it cannot write safely', () => {
    expect(() => literal(Number.NaN)).toThrow(TypeError);
    expect(() => literal({} as never)).toThrow(TypeError);
  });
});

describe('sql fragments', () => {
  it('inserts a nested fragment verbatim and escapes every other value', () => {
    const columns = sql`id, object_key`;
    const statement = sql`SELECT ${columns} FROM r2_files WHERE object_key = ${"a'b"}`;
    expect(statement.text).toBe("SELECT id, object_key FROM r2_files WHERE object_key = 'a''b'");
  });

  it('escapes a string even when it is spelled like SQL: only fragments are verbatim', () => {
    const columns = 'id, object_key';
    expect(sql`SELECT ${columns} FROM r2_files`.text).toBe("SELECT 'id, object_key' FROM r2_files");
  });

  it('joins fragments with a fragment separator', () => {
    const conditions = [sql`user_id = ${'u1'}`, sql`status = 'uploaded'`, sql`id < ${7}`];
    expect(join(conditions, sql` AND `).text).toBe("user_id = 'u1' AND status = 'uploaded' AND id < 7");
    expect(join([], sql` AND `).text).toBe('');
  });

  it('tells fragments from look-alikes', () => {
    expect(isSqlFragment(sql`SELECT 1`)).toBe(true);
    expect(isSqlFragment({ text: 'SELECT 1' })).toBe(false);
    expect(isSqlFragment('SELECT 1')).toBe(false);
  });
});
