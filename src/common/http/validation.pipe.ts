import { type ValidationError, ValidationPipe } from '@nestjs/common';

import { AppError } from '../errors/app-error.js';
import type { FieldErrorDto } from '../errors/error-response.dto.js';

/**
 * Whitelisting validation for every body, query and param DTO: unknown fields are refused, and
 * the error names each offending field in `details` and in the sentence itself.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    forbidUnknownValues: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => {
      const details = flatten(errors);
      const summary = details.map((d) => d.problems.join(', ')).join('; ');
      return new AppError('VALIDATION_FAILED', summary || 'The request is not valid', details);
    },
  });
}

function flatten(errors: ValidationError[], parent = ''): FieldErrorDto[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, problems: Object.values(error.constraints) }] : [];
    return [...own, ...flatten(error.children ?? [], field)];
  });
}
