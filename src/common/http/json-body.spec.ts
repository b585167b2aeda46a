import { describe, expect, it } from '@jest/globals';

import { jsonNestingDepth } from './json-body.js';

describe('jsonNestingDepth', () => {
  it.each([
    ['a scalar', '42', 0],
    ['a flat object', '{"a":1,"b":"x"}', 1],
    ['the deepest branch', '{"a":[{"b":[1]}],"c":{}}', 4],
    ['brackets inside strings', '{"a":"[[[{{{","b":"\\"[["}', 1],
    ['escaped backslashes before a quote', '{"a":"\\\\","b":[[]]}', 3],
    ['unbalanced input, without failing', ']]]{{', 2],
  ])('counts %s', (_label, text, depth) => {
    expect(jsonNestingDepth(text)).toBe(depth);
    expect(jsonNestingDepth(Buffer.from(text))).toBe(depth);
  });

  it('handles 16 KB of nesting in one pass', () => {
    expect(jsonNestingDepth(`${'['.repeat(8192)}${']'.repeat(8192)}`)).toBe(8192);
  });
});
