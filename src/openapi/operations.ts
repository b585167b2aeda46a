import type { OpenAPIObject, OperationObject } from '@nestjs/swagger';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

export interface DocumentedOperation {
  method: (typeof METHODS)[number];
  path: string;
  operation: OperationObject;
}

/** Every operation of the document, in path order. */
export function operationsOf(document: OpenAPIObject): DocumentedOperation[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    METHODS.flatMap((method) => (item[method] ? [{ method, path, operation: item[method] }] : [])),
  );
}

/** Reads and removes a vendor extension that a decorator left on an operation for this module. */
export function takeExtension<T>(operation: OperationObject, name: `x-${string}`): T | undefined {
  const holder = operation as unknown as Record<string, unknown>;
  const value = holder[name] as T | undefined;
  delete holder[name];
  return value;
}
