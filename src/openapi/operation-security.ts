import type { OpenAPIObject } from '@nestjs/swagger';

import { PUBLIC_OPERATION_EXTENSION } from '../auth/decorators/public.decorator.js';
import { operationsOf, takeExtension } from './operations.js';

/** The one security scheme: the access token from /auth/register or /auth/login (or an external IdP's). */
export const BEARER_SCHEME = 'bearer';

/**
 * Bearer auth is the document-wide default, as the global guard is the app-wide default; the
 * operations `@Public()` marked get `security: []`. Route-level `@ApiBearerAuth` is not needed.
 */
export function applyOperationSecurity(document: OpenAPIObject): void {
  for (const { operation } of operationsOf(document)) {
    if (takeExtension<boolean>(operation, PUBLIC_OPERATION_EXTENSION)) operation.security = [];
    else delete operation.security;
  }
}
