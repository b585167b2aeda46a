import { applyDecorators, Injectable, type PipeTransform } from '@nestjs/common';
import { ApiParam } from '@nestjs/swagger';

import { AppError } from '../errors/app-error.js';
import { ApiErrors } from './api-errors.decorator.js';

/**
 * A positive integer id in the route (1 … 2^53-1). Anything else — `abc`, `0`, `-1`, `1.5`, or a
 * number too large for the column — is a 400 naming the parameter, never a database error.
 */
@Injectable()
export class IdParamPipe implements PipeTransform<string, number> {
  constructor(private readonly name = 'id') {}

  transform(value: string): number {
    const id = /^[1-9]\d{0,15}$/.test(value) ? Number(value) : NaN;
    if (!Number.isSafeInteger(id)) {
      const problem = `${this.name} must be a positive whole number`;
      throw new AppError('VALIDATION_FAILED', problem, [{ field: this.name, problems: [problem] }]);
    }
    return id;
  }
}

export const idParam = (name = 'id') => new IdParamPipe(name);

/** Documents a route parameter read with `idParam(name)`: an integer, and the 400 the pipe answers. */
export function ApiIdParam(name = 'id'): MethodDecorator {
  return applyDecorators(
    ApiParam({
      name,
      description: 'A positive whole number.',
      schema: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER, example: 42 },
    }),
    ApiErrors('VALIDATION_FAILED'),
  );
}
