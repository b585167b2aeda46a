import fc from 'fast-check';

/*
 * fast-check arbitraries for the requests of an OpenAPI 3.0 document: for every operation, path and
 * query parameters and a JSON body. Values follow the schemas most of the time (so requests get past
 * the first check and reach deeper code) and are hostile the rest of the time, at every level: NUL
 * characters, unpaired surrogates, long strings, absurd numbers, wrong types, nesting, unknown and
 * missing fields. Covers what Nest's Swagger plugin emits ($ref, nullable, allOf/oneOf/anyOf, enum,
 * string formats and patterns, number bounds, arrays, objects). No package converts OpenAPI schemas
 * into fast-check arbitraries; json-schema-faker ignores `nullable` and cannot shrink.
 */

export interface Schema {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  nullable?: boolean;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  items?: Schema;
  minItems?: number;
  maxItems?: number;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
  example?: unknown;
}
interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  schema?: Schema;
}
export interface Operation {
  operationId?: string;
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
  security?: Record<string, string[]>[];
}
export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}

/** One generated request, ready to send. */
export interface GeneratedRequest {
  method: string;
  /** Path with its parameters filled in and encoded, plus the query string. */
  url: string;
  /** The JSON body, or undefined for none. */
  body: unknown;
}

/** Real values the generators may use for a field or parameter of that name (e.g. an existing upload id), to reach deeper code. */
export type KnownValues = Record<string, unknown[]>;

const HOSTILE_TEXT = [
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udc00y',
  '\ude00\ud83d',
  '%00',
  '../../etc/passwd',
  '\r\nX-Injected: 1',
  "' OR 1=1 --",
  '\u202e',
  ' ',
  '',
];

/** Strings no layer of a server should choke on. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...HOSTILE_TEXT),
  // A hostile character somewhere in ordinary text.
  fc
    .tuple(fc.string({ maxLength: 12 }), fc.constantFrom('\u0000', '\ud800', '\udfff', '\u202e', '\n'), fc.string({ maxLength: 12 }))
    .map(([before, bad, after]) => before + bad + after),
  fc.string({ unit: 'binary', maxLength: 24 }),
  // Long strings (the body limit is 16 KB: stay under it so they reach the validators).
  fc
    .tuple(fc.integer({ min: 256, max: 6000 }), fc.constantFrom('a', 'é', '😀', '\u0000'))
    .map(([n, c]) => c.repeat(Math.ceil(n / c.length))),
);

/** Arrays and objects nested `depth` levels: under and over the API's JSON nesting limit. */
const nested = fc.integer({ min: 2, max: 60 }).chain((depth) =>
  fc.constantFrom('array', 'object').map((kind) => {
    let value: unknown = 1;
    for (let i = 0; i < depth; i += 1) value = kind === 'array' ? [value] : { a: value };
    return value;
  }),
);

/** Any JSON value of the wrong kind for wherever it is put. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  fc.constantFrom(null, true, false, 0, -1, -0, 1.5, 1e308, -1e308, 2 ** 53, 2 ** 53 + 2, 2 ** 64, 1e-320),
  fc.constantFrom([], {}, [null], { toString: 'x' }, { __proto__: { polluted: true } }, { constructor: { prototype: { polluted: true } } }),
  nested,
  fc.array(fc.oneof(fc.string({ maxLength: 8 }), fc.integer()), { maxLength: 4 }),
  fc.dictionary(fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('\u0000', '__proto__', 'constructor')), fc.string({ maxLength: 8 }), {
    maxKeys: 3,
  }),
);

/** Mostly the schema's values, sometimes hostile ones (at every level, so the odds compound: keep them low). */
const mostlyValid = (valid: fc.Arbitrary<unknown>) => fc.oneof({ weight: 7, arbitrary: valid }, { weight: 1, arbitrary: hostileValue });

export function valueArbitrary(schema: Schema, doc: OpenApiDocument, known: KnownValues, name?: string, depth = 0): fc.Arbitrary<unknown> {
  const knownHere = name ? known[name] : undefined;
  const own = mostlyValid(schemaArbitrary(schema, doc, known, depth));
  return knownHere?.length ? fc.oneof({ weight: 2, arbitrary: fc.constantFrom(...knownHere) }, { weight: 3, arbitrary: own }) : own;
}

function schemaArbitrary(schema: Schema, doc: OpenApiDocument, known: KnownValues, depth: number): fc.Arbitrary<unknown> {
  if (schema.$ref) {
    const resolved = doc.components.schemas[schema.$ref.replace('#/components/schemas/', '')];
    if (!resolved) throw new Error(`unresolved ${schema.$ref}`);
    return schemaArbitrary(resolved, doc, known, depth + 1);
  }
  const generated = baseArbitrary(schema, doc, known, depth);
  // The schema's example is a value the API accepts (a real media type, a file name): offering it
  // often lets requests pass every check and reach the code behind them.
  const base =
    schema.example === undefined
      ? generated
      : fc.oneof({ weight: 1, arbitrary: fc.constant(schema.example) }, { weight: 1, arbitrary: generated });
  return schema.nullable ? fc.option(base, { nil: null }) : base;
}

function baseArbitrary(s: Schema, doc: OpenApiDocument, known: KnownValues, depth: number): fc.Arbitrary<unknown> {
  if (s.allOf)
    return fc.tuple(...s.allOf.map((x) => schemaArbitrary(x, doc, known, depth))).map((parts): unknown => Object.assign({}, ...parts));
  const choices = s.oneOf ?? s.anyOf;
  if (choices) return fc.oneof(...choices.map((x) => schemaArbitrary(x, doc, known, depth)));
  if (s.enum) return fc.constantFrom(...s.enum);
  switch (s.type) {
    case 'boolean':
      return fc.boolean();
    case 'integer':
    case 'number': {
      const min = s.minimum ?? -(2 ** 31);
      const max = s.maximum ?? 2 ** 40;
      return fc.oneof(
        { weight: 3, arbitrary: fc.integer({ min: Math.ceil(min), max: Math.floor(Math.min(max, Number.MAX_SAFE_INTEGER)) }) },
        { weight: 1, arbitrary: fc.double({ min, max, noNaN: true, noDefaultInfinity: true }) },
      );
    }
    case 'string':
      return stringArbitrary(s);
    case 'array':
      return fc.array(valueArbitrary(s.items ?? {}, doc, known, undefined, depth + 1), {
        minLength: s.minItems ?? 0,
        maxLength: Math.min(s.maxItems ?? 5, 5),
      });
    case 'object':
    case undefined: {
      const properties = s.properties ?? {};
      if (depth > 8 || Object.keys(properties).length === 0)
        return fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 });
      const model = Object.fromEntries(
        Object.entries(properties).map(([key, value]) => [key, valueArbitrary(value, doc, known, key, depth + 1)]),
      );
      const required = (s.required ?? []).filter((key) => key in model);
      return fc
        .tuple(
          // Usually every required field; sometimes any subset of the fields.
          fc.oneof(
            { weight: 4, arbitrary: fc.record(model, { requiredKeys: required }) },
            { weight: 1, arbitrary: fc.record(model, { requiredKeys: [] }) },
          ),
          // Sometimes fields the schema does not have.
          fc.option(
            fc.dictionary(fc.oneof(fc.string({ maxLength: 10 }), fc.constantFrom('userId', 'id', 'status', '__proto__')), hostileValue, {
              maxKeys: 2,
            }),
            {
              freq: 4,
            },
          ),
        )
        .map(([record, extra]) => (extra ? { ...extra, ...record } : record));
    }
    default:
      throw new Error(`unsupported schema type ${String(s.type)}`);
  }
}

function stringArbitrary(s: Schema): fc.Arbitrary<string> {
  const maxLength = Math.min(s.maxLength ?? 64, 300);
  const minLength = Math.min(s.minLength ?? 0, maxLength);
  if (s.format === 'email') return fc.emailAddress();
  if (s.format === 'date-time') return fc.date({ noInvalidDate: true }).map((d) => d.toISOString());
  if (s.format === 'uuid') return fc.uuid();
  if (s.pattern) return fc.stringMatching(new RegExp(s.pattern)).filter((x) => x.length >= minLength && x.length <= maxLength);
  return fc.string({ unit: 'grapheme', minLength, maxLength });
}

/** One request for an operation. `known` values are offered for parameters and fields of those names. */
export function requestArbitrary(doc: OpenApiDocument, path: string, method: string, known: KnownValues): fc.Arbitrary<GeneratedRequest> {
  const operation = doc.paths[path]?.[method];
  if (!operation) throw new Error(`no operation ${method} ${path}`);
  const usable = known;
  const parameters = operation.parameters ?? [];
  const record = (where: string) => {
    const own = parameters.filter((p) => p.in === where);
    return fc.record(Object.fromEntries(own.map((p) => [p.name, valueArbitrary(p.schema ?? {}, doc, usable, p.name)])), {
      requiredKeys: own.filter((p) => p.required).map((p) => p.name),
    });
  };
  const bodySchema = operation.requestBody?.content?.['application/json']?.schema;
  return fc
    .record({
      pathParams: record('path'),
      query: record('query'),
      // Sometimes query parameters the operation does not have.
      extraQuery: fc.option(fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), hostileString, { maxKeys: 2 }), { freq: 5 }),
      body: bodySchema ? valueArbitrary(bodySchema, doc, usable) : fc.constant(undefined),
    })
    .map(({ pathParams, query, extraQuery, body }) => {
      const filled = path.replace(/\{(\w+)\}/g, (_, name: string) =>
        encodePathSegment(String(stringify((pathParams as Record<string, unknown>)[name]))),
      );
      const search = new URLSearchParams();
      for (const [key, value] of Object.entries({ ...(extraQuery ?? {}), ...(query as Record<string, unknown>) })) {
        for (const item of Array.isArray(value) ? value : [value]) search.append(key, String(stringify(item)));
      }
      const queryString = search.toString();
      return { method, url: queryString ? `${filled}?${queryString}` : filled, body };
    });
}

const stringify = (value: unknown) => (typeof value === 'object' && value !== null ? JSON.stringify(value) : value);

/** URL-encodes a path segment; a lone surrogate (which has no UTF-8 form) is sent as the invalid UTF-8 bytes of one. */
function encodePathSegment(segment: string): string {
  return [...segment].map((c) => (/\p{Surrogate}/u.test(c) ? '%ED%A0%80' : encodeURIComponent(c))).join('');
}
