import { registerDecorator, type ValidationArguments, type ValidationOptions } from 'class-validator';

import { FILE_NAME_PROBLEM_MESSAGES, fileNameProblem, normalizeFileName } from '../file-name.js';

/** Validates a client-supplied file name with the rules of `file-name.ts`. */
export function IsSafeFileName(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'isSafeFileName',
      target: target.constructor,
      propertyName: propertyName as string,
      options,
      validator: {
        validate: (value: unknown) => typeof value === 'string' && fileNameProblem(normalizeFileName(value)) === null,
        defaultMessage: (args?: ValidationArguments) => {
          const value: unknown = args?.value;
          const problem = typeof value === 'string' ? fileNameProblem(normalizeFileName(value)) : null;
          return problem ? FILE_NAME_PROBLEM_MESSAGES[problem] : 'fileName must be a string';
        },
      },
    });
  };
}
