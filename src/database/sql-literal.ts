import pg from 'pg';

export type SqlValue = string | number | boolean | Date | null | readonly (string | number)[];

const FRAGMENT: unique symbol = Symbol('SqlFragment');

/**
 * SQL text that is safe to send as is: written by the `sql` tag (constant text, escaped values,
 * nested fragments) or composed from fragments by `join`. The brand cannot be forged outside this
 * file, so code that takes a fragment cannot be handed a plain (possibly concatenated) string.
 */
export interface SqlFragment {
  readonly [FRAGMENT]: true;
  readonly text: string;
}

function fragment(text: string): SqlFragment {
  return Object.freeze({ [FRAGMENT]: true as const, text });
}

/** Whether a value is a fragment made by `sql` or `join` (a runtime check for untyped callers). */
export function isSqlFragment(value: unknown): value is SqlFragment {
  return typeof value === 'object' && value !== null && FRAGMENT in value;
}

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

/**
 * Tagged template: `sql\`SELECT ... WHERE id = ${id}\`` with every interpolated value escaped by
 * `literal`, and interpolated fragments (column lists, conditions, sub-queries) inserted verbatim.
 */
export function sql(strings: TemplateStringsArray, ...values: (SqlValue | SqlFragment)[]): SqlFragment {
  let text = strings[0] ?? '';
  values.forEach((value, i) => {
    text += (isSqlFragment(value) ? value.text : literal(value)) + (strings[i + 1] ?? '');
  });
  return fragment(text);
}

/** Fragments one after the other with `separator` between them: `join(conditions, sql\` AND \`)`. */
export function join(fragments: readonly SqlFragment[], separator: SqlFragment): SqlFragment {
  return fragment(fragments.map((part) => part.text).join(separator.text));
}
