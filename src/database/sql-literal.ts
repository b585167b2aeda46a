import pg from 'pg';

export type SqlValue = string | number | boolean | Date | null | readonly (string | number)[];

/**
 * A value written into SQL text, for the simple query protocol (which carries no bind
 * parameters). Strings go through the driver's own literal escaping; numbers must be finite;
 * anything else is refused rather than guessed.
 */
export function literal(value: SqlValue): string {
  if (value === null) return 'NULL';
  if (typeof value === 'string') return pg.escapeLiteral(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`not a finite number: ${value}`);
    return String(value);
  }
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) return `${pg.escapeLiteral(value.toISOString())}::timestamptz`;
  if (Array.isArray(value)) return `ARRAY[${value.map((item) => literal(item)).join(', ')}]`;
  throw new TypeError('unsupported SQL value');
}

/** Tagged template: `sql\`SELECT ... WHERE id = ${id}\`` with every interpolation escaped by `literal`. */
export function sql(strings: TemplateStringsArray, ...values: SqlValue[]): string {
  return strings.reduce((text, part, i) => text + part + (i < values.length ? literal(values[i]) : ''), '');
}
