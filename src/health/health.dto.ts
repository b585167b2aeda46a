export class HealthDto {
  /** `ok` when every check passed. */
  status!: string;
  /** The checks that passed, by name (`database`, `bucket`). */
  info?: Record<string, { status: string }>;
  /** The checks that failed, by name. */
  error?: Record<string, { status: string }>;
  /** Every check, by name. */
  details!: Record<string, { status: string }>;
}
