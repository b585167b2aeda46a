export class MeDto {
  /**
   * The caller's user id (the token's `sub`); owner id of the caller's files.
   * @example "1b4e28ba-2fa1-4d3b-a3f5-ef19b5a7633b"
   */
  id!: string;
  /**
   * The caller's email, when the token carries one.
   * @example "ada@example.com"
   */
  email!: string | null;
}
