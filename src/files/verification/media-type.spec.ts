import { describe, expect, it } from '@jest/globals';

import { isMediaTypeAllowed, mediaTypeEssence } from './media-type.js';

describe('media types', () => {
  it('reduces a media type to its lower-case essence', () => {
    expect(mediaTypeEssence('Text/Plain; charset=UTF-8')).toBe('text/plain');
  });

  it.each([
    ['image/png', ['image/png'], true],
    ['IMAGE/PNG', ['image/png'], true],
    ['image/webp', ['image/*'], true],
    ['text/plain; charset=utf-8', ['text/plain'], true],
    ['application/x-msdownload', ['*/*'], true],
    ['application/pdf', ['image/*'], false],
    ['image/png', ['image/jpeg', 'application/pdf'], false],
    ['imagex/png', ['image/*'], false],
    ['png', ['*/*'], false],
    ['image/png', [], false],
  ])('%s against %j → %s', (type, allowed, expected) => {
    expect(isMediaTypeAllowed(type, allowed)).toBe(expected);
  });
});
