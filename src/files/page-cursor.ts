/**
 * Opaque keyset cursor for "newest first" pages: the (upload_timestamp, id) of the last row
 * served. Keyset pages stay correct while rows are inserted, unlike OFFSET.
 */
export interface PagePosition {
  uploadTimestamp: Date;
  id: number;
}

/** Longer than any cursor this API issues (about 60 characters). */
export const MAX_CURSOR_LENGTH = 200;
/**
 * The timestamps a cursor may carry: years 1 to 9999, well inside PostgreSQL's timestamptz range
 * (4713 BC to 294276 AD). JavaScript dates reach ±275760 years, which PostgreSQL cannot compare.
 */
const EARLIEST = Date.parse('0001-01-01T00:00:00.000Z');
const LATEST = Date.parse('9999-12-31T23:59:59.999Z');

export function encodeCursor(position: PagePosition): string {
  return Buffer.from(JSON.stringify([position.uploadTimestamp.toISOString(), position.id])).toString('base64url');
}

/**
 * The position a cursor points at, or null when the cursor is not one we issued — including one
 * that decodes to values the database cannot hold (a timestamp out of range; ids are safe integers,
 * far below bigint's limit).
 */
export function decodeCursor(cursor: string): PagePosition | null {
  if (cursor.length > MAX_CURSOR_LENGTH) return null;
  try {
    const decoded: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!Array.isArray(decoded) || decoded.length !== 2) return null;
    const [timestamp, id] = decoded as [unknown, unknown];
    if (typeof timestamp !== 'string' || !Number.isSafeInteger(id) || (id as number) < 1) return null;
    const uploadTimestamp = new Date(timestamp);
    const time = uploadTimestamp.getTime();
    if (Number.isNaN(time) || time < EARLIEST || time > LATEST) return null;
    return { uploadTimestamp, id: id as number };
  } catch {
    return null;
  }
}
