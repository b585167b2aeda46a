import addFormats from 'ajv-formats';
import { type Document, OpenAPIBackend, SetMatchType } from 'openapi-backend';
import type { Response } from 'supertest';

export interface SpecValidator {
  /** Every operationId of the document, in document order. */
  operationIds: string[];
  /** `{status, code}` of every answer the document gives `operationId` (code: the error schema's fixed `code`). */
  documented(operationId: string): { status: number; code?: string }[];
  /** Why `response` is not an answer the document gives `operationId`: [] when it is one. */
  problems(operationId: string, response: Response): string[];
}

interface MediaSchema {
  $ref?: string;
  oneOf?: MediaSchema[];
  properties?: { code?: { enum?: string[] } };
}
interface ResponseDoc {
  content?: { 'application/json'?: { schema?: MediaSchema } };
}

/**
 * Checks real answers against the OpenAPI document with a third-party validator (openapi-backend
 * + ajv-formats, so `date-time` and friends are checked too): the status must be documented for
 * the operation, the body must match that status's schema (or be empty where none is documented),
 * and the documented headers must be there and valid.
 */
export async function createSpecValidator(document: object): Promise<SpecValidator> {
  // openapi-backend dereferences in place: keep the caller's copy intact.
  const api = new OpenAPIBackend({
    definition: structuredClone(document) as Document,
    validate: true,
    quick: false,
    customizeAjv: (ajv) => {
      addFormats.default(ajv);
      return ajv;
    },
  });
  await api.init();
  const operations = api.getOperations();
  const responsesOf = (operationId: string) => {
    const operation = api.getOperation(operationId);
    if (!operation) throw new Error(`no operation ${operationId} in the document`);
    return { operation, responses: operation.responses as Record<string, ResponseDoc> };
  };
  const codesOf = (schema: MediaSchema | undefined): string[] =>
    schema?.oneOf ? schema.oneOf.flatMap(codesOf) : (schema?.properties?.code?.enum ?? []);

  return {
    operationIds: operations.map((operation) => operation.operationId as string),
    documented(operationId) {
      return Object.entries(responsesOf(operationId).responses).flatMap(([status, response]) => {
        const codes = codesOf(response.content?.['application/json']?.schema);
        return codes.length ? codes.map((code) => ({ status: Number(status), code })) : [{ status: Number(status) }];
      });
    },
    problems(operationId, response) {
      const { operation, responses } = responsesOf(operationId);
      const documented = responses[String(response.status)];
      if (!documented) return [`status ${response.status} is not documented for ${operationId}`];
      const problems: string[] = [];
      if (documented.content?.['application/json']) {
        if (!String(response.headers['content-type']).startsWith('application/json')) {
          problems.push(`content-type ${response.headers['content-type']} is not application/json`);
        }
        const body = api.validateResponse(response.body, operation, response.status);
        problems.push(...(body.errors ?? []).map((e) => `body${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`));
      } else if (response.text) {
        problems.push(`a body where none is documented: ${response.text.slice(0, 200)}`);
      }
      const headers = api.validateResponseHeaders(response.headers, operation, {
        statusCode: response.status,
        setMatchType: SetMatchType.Superset,
      });
      problems.push(...(headers.errors ?? []).map((e) => `header${e.instancePath} ${e.message}`));
      return problems;
    },
  };
}
