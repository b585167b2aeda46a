import openapiTS, { astToString, COMMENT_HEADER } from 'openapi-typescript';

/** Where the TypeScript types of the API are written, for clients (openapi-fetch, or any fetch wrapper). */
export const CLIENT_TYPES_FILE = 'clients/typescript/openapi.d.ts';

/**
 * The TypeScript types of `document` (openapi-typescript): `paths` for openapi-fetch's
 * `createClient<paths>()`, `components['schemas']` for the DTOs and the per-code error types.
 */
export async function renderClientTypes(document: object): Promise<string> {
  const ast = await openapiTS(structuredClone(document) as Parameters<typeof openapiTS>[0]);
  return `${COMMENT_HEADER.replace(' */', ' * Regenerate with `npm run openapi` (from openapi.json).\n */')}${astToString(ast)}`;
}
