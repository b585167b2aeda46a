/** Who is calling, as proven by the access token. Handlers get it through `@CurrentUser()`. */
export interface AuthenticatedUser {
  /** The token's `sub`: owner id of every file this caller creates. */
  id: string;
  email: string | null;
}
