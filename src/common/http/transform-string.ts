import { Transform } from 'class-transformer';

/**
 * `@Transform` for string fields: rewrites strings (trim, lower case, NFC…) and leaves any other
 * value untouched, for the field's validators to refuse with a clear message.
 */
export function TransformString(rewrite: (value: string) => string): PropertyDecorator {
  return Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? rewrite(value) : value));
}
