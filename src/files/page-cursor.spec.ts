import { describe, expect, it } from '@jest/globals';

import { decodeCursor, encodeCursor } from './page-cursor.js';

describe('page cursor', () => {
  it('round-trips a position', () => {
    const position = { uploadTimestamp: new Date('2026-11-29T12:34:56.789Z'), id: 12345 };
    expect(decodeCursor(encodeCursor(position))).toEqual(position);
  });

  it('accepts the extremes of the allowed range', () => {
    for (const iso of ['0001-01-01T00:00:00.000Z', '9999-12-31T23:59:59.999Z']) {
      const position = { uploadTimestamp: new Date(iso), id: Number.MAX_SAFE_INTEGER };
      expect(decodeCursor(encodeCursor(position))).toEqual(position);
    }
  });

  it.each([
    ['not base64 json', '%%%'],
    ['wrong shape', Buffer.from('{"a":1}').toString('base64url')],
    ['bad date', Buffer.from('["yesterday", 1]').toString('base64url')],
    ['negative id', Buffer.from('["2026-11-29T00:00:00.000Z", -1]').toString('base64url')],
    ['fractional id', Buffer.from('["2026-11-29T00:00:00.000Z", 1.5]').toString('base64url')],
    ['an id beyond safe integers (and bigint)', Buffer.from('["2026-11-29T00:00:00.000Z", 1e19]').toString('base64url')],
    ['a timestamp PostgreSQL cannot hold', Buffer.from('["+275760-09-13T00:00:00.000Z", 1]').toString('base64url')],
    ['a timestamp before year 1', Buffer.from('["-000001-01-01T00:00:00.000Z", 1]').toString('base64url')],
    ['a timestamp after year 9999', Buffer.from('["+010000-01-01T00:00:00.000Z", 1]').toString('base64url')],
    ['too many characters', 'A'.repeat(201)],
  ])('rejects a cursor with %s', (_label, cursor) => {
    expect(decodeCursor(cursor)).toBeNull();
  });
});
