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
  if (!Array.isArray(value)) throw new TypeError('unsupported SQL value');
  const items: readonly (string | number)[] = value;
  return `ARRAY[${items.map((item) => literal(item)).join(', ')}]`;
}

/** Tagged template: `sql\`SELECT ... WHERE id = ${id}\`` with every interpolation escaped by `literal`. */
export function sql(strings: TemplateStringsArray, ...values: SqlValue[]): string {
  return values.reduce<string>((text, value, i) => text + literal(value) + (strings[i + 1] ?? ''), strings[0] ?? '');
}
