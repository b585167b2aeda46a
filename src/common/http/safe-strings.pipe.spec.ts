import { describe, expect, it } from '@jest/globals';

import { AppError } from '../errors/app-error.js';
import { SafeStringsPipe, unsafeStringProblem } from './safe-strings.pipe.js';

describe('unsafeStringProblem', () => {
  it.each(['plain', 'émoji 😀 and 中文', '\ud83d\ude00', ''])('accepts well-formed text: %j', (text) => {
    expect(unsafeStringProblem(text)).toBeNull();
  });

  it.each([
    ['a NUL', 'a\u0000b', /NUL/],
    ['a lone high surrogate', 'a\ud800b', /surrogate/],
    ['a lone low surrogate', '\udc00', /surrogate/],
    ['a reversed pair', '\ude00\ud83d', /surrogate/],
  ])('refuses %s', (_label, text, problem) => {
    expect(unsafeStringProblem(text)).toMatch(problem);
  });
});

describe('SafeStringsPipe', () => {
  const pipe = new SafeStringsPipe();
  const refusal = (value: unknown, type: 'body' | 'query' | 'param', data?: string) => {
    try {
      pipe.transform(value, { type, data });
    } catch (error) {
      if (error instanceof AppError) return { code: (error as AppError).code, details: (error as AppError).details as unknown };
      throw error;
    }
    return null;
  };

  it('passes values through untouched', () => {
    const body = { a: 'x', b: [1, { c: 'y' }] };
    expect(pipe.transform(body, { type: 'body' })).toBe(body);
  });

  it.each([
    ['a body field', { fileName: 'a\u0000' }, 'body', undefined, 'fileName'],
    ['a nested array item', { parts: [{ etag: 'ok' }, { etag: '\ud800' }] }, 'body', undefined, 'parts.1.etag'],
    ['a field name', { ['a\u0000']: 1 }, 'body', undefined, 'a\\u0000'],
    ['a query parameter', { cursor: '\u0000' }, 'query', undefined, 'cursor'],
    ['a path parameter', 'up\u0000load', 'param', 'uploadId', 'uploadId'],
  ] as const)('names the field for %s', (_label, value, type, data, field) => {
    expect(refusal(value, type, data)).toEqual({
      code: 'VALIDATION_FAILED',
      details: [{ field, problems: [expect.stringContaining(field)] }],
    });
  });

  it('leaves values the app made itself (custom decorators) alone', () => {
    expect(pipe.transform('a\u0000', { type: 'custom' })).toBe('a\u0000');
  });
});
