import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';

export const IS_PUBLIC_KEY = 'auth:isPublic';

/**
 * Marks an operation as open in the OpenAPI document (`security: []`); src/openapi reads it. Set
 * by `@Public()` itself, so the document cannot disagree with the guard.
 */
export const PUBLIC_OPERATION_EXTENSION = 'x-public';

/** Opens a route to unauthenticated callers. Everything else requires a valid access token. */
export const Public = () => applyDecorators(SetMetadata(IS_PUBLIC_KEY, true), ApiExtension(PUBLIC_OPERATION_EXTENSION, true));
