import { describe, expect, it } from '@jest/globals';

import { decodeCursor, encodeCursor } from './page-cursor.js';

describe('page cursor', () => {
  it('round-trips a position', () => {
    const position = { uploadTimestamp: new Date('2026-11-29T12:34:56.789Z'), id: 12345 };
    expect(decodeCursor(encodeCursor(position))).toEqual(position);
  });

  it.each([
    ['not base64 json', '%%%'],
    ['wrong shape', Buffer.from('{"a":1}').toString('base64url')],
    ['bad date', Buffer.from('["yesterday", 1]').toString('base64url')],
    ['negative id', Buffer.from('["2026-11-29T00:00:00.000Z", -1]').toString('base64url')],
    ['fractional id', Buffer.from('["2026-11-29T00:00:00.000Z", 1.5]').toString('base64url')],
  ])('rejects a cursor with %s', (_label, cursor) => {
    expect(decodeCursor(cursor)).toBeNull();
  });
});
