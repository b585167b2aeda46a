import { describe, expect, it } from '@jest/globals';

import { hasKnownSignature, matchesSignature } from './file-signature.js';

const bytes = (...parts: (number[] | string)[]) =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p)));

describe('file signatures', () => {
  it.each([
    ['image/png', bytes([0x89], 'PNG', [0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d])],
    ['image/jpeg', bytes([0xff, 0xd8, 0xff, 0xe0])],
    ['image/gif', bytes('GIF89a', [1, 0])],
    ['image/gif', bytes('GIF87a')],
    ['image/webp', bytes('RIFF', [0x24, 0, 0, 0], 'WEBPVP8 ')],
    ['application/pdf', bytes('%PDF-1.7\n')],
    ['IMAGE/PNG; charset=binary', bytes([0x89], 'PNG', [0x0d, 0x0a, 0x1a, 0x0a])],
  ])('accepts a real %s header', (type, prefix) => {
    expect(hasKnownSignature(type)).toBe(true);
    expect(matchesSignature(type, prefix)).toBe(true);
  });

  it.each([
    ['image/png', bytes('MZ', [0x90, 0])],
    ['image/jpeg', bytes([0x89], 'PNG')],
    ['image/gif', bytes('GIF90a')],
    ['image/webp', bytes('RIFF', [0, 0, 0, 0], 'WAVE')],
    ['application/pdf', bytes('<html>')],
    ['image/png', bytes()],
  ])('refuses %s whose bytes are something else', (type, prefix) => {
    expect(matchesSignature(type, prefix)).toBe(false);
  });

  it('does not judge types without a known signature', () => {
    expect(hasKnownSignature('text/plain')).toBe(false);
    expect(matchesSignature('text/plain', bytes('anything'))).toBe(true);
  });
});
