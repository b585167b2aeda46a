/**
 * Opaque keyset cursor for "newest first" pages: the (upload_timestamp, id) of the last row
 * served. Keyset pages stay correct while rows are inserted, unlike OFFSET.
 */
export interface PagePosition {
  uploadTimestamp: Date;
  id: number;
}

export function encodeCursor(position: PagePosition): string {
  return Buffer.from(JSON.stringify([position.uploadTimestamp.toISOString(), position.id])).toString('base64url');
}

/** The position a cursor points at, or null when the cursor is not one we issued. */
export function decodeCursor(cursor: string): PagePosition | null {
  try {
    const decoded: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!Array.isArray(decoded) || decoded.length !== 2) return null;
    const [timestamp, id] = decoded as [unknown, unknown];
    if (typeof timestamp !== 'string' || !Number.isSafeInteger(id) || (id as number) < 1) return null;
    const uploadTimestamp = new Date(timestamp);
    if (Number.isNaN(uploadTimestamp.getTime())) return null;
    return { uploadTimestamp, id: id as number };
  } catch {
    return null;
  }
}
