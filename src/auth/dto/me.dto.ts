export class MeDto {
  /** The caller's user id (the token's `sub`); owner id of the caller's files. */
  id!: string;
  /** The caller's email, when the token carries one. */
  email!: string | null;
}
