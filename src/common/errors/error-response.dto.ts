/** The body of every error answer: the seed's `{success: false, error}` plus a code and request id. */
export class ErrorResponseDto {
  /** Always false for errors (kept from the seed guide's shape). */
  success!: false;
  /** A human sentence saying what went wrong. */
  error!: string;
  /** Machine-readable error code; see the README's error table. */
  code!: string;
  /** The HTTP status, repeated for clients that only see the body. */
  statusCode!: number;
  /** Per-field problems for validation errors. */
  details?: FieldErrorDto[];
  /** Id of the request (also in the `X-Request-Id` header); quote it when reporting a problem. */
  requestId!: string;
}

export class FieldErrorDto {
  /** Dotted path of the offending field, e.g. `fileName`. */
  field!: string;
  /** What is wrong with it. */
  problems!: string[];
}
