import { describe, expect, it } from '@jest/globals';

import { AppError } from './app-error.js';

describe('AppError', () => {
  it('maps its code to its status and keeps typed details', () => {
    const error = new AppError('FILE_TOO_LARGE', 'too large', { size: 10, maxSize: 5 });
    expect({ status: error.status, code: error.code, details: error.details }).toEqual({
      status: 413,
      code: 'FILE_TOO_LARGE',
      details: { size: 10, maxSize: 5 },
    });
    expect(new AppError('EMAIL_TAKEN', 'taken').details).toBeUndefined();
    expect(new AppError('INVALID_PARTS', 'refused by the store').details).toBeUndefined();
  });

  it('accepts only the details shape of its code (checked by the compiler: npm run typecheck)', () => {
    // Each line is a compile error unless the table in error-details.ts allows it; the
    // expectations below only keep the constructions from being dead code.
    const made = [
      // @ts-expect-error FILE_TOO_LARGE requires {size, maxSize}
      new AppError('FILE_TOO_LARGE', 'too large'),
      // @ts-expect-error details of another shape
      new AppError('FILE_TOO_LARGE', 'too large', { maxSize: 5 }),
      // @ts-expect-error VALIDATION_FAILED details are a list of field errors
      new AppError('VALIDATION_FAILED', 'bad', { field: 'x', problems: [] }),
      // @ts-expect-error EMAIL_TAKEN has no details
      new AppError('EMAIL_TAKEN', 'taken', { email: 'a@b.c' }),
    ];
    expect(made.map((error) => error.status)).toEqual([413, 413, 400, 409]);
  });
});
