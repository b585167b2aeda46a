import { ApiProperty } from '@nestjs/swagger';

export class AccessTokenDto {
  /**
   * A JWT to send as `Authorization: Bearer <accessToken>`.
   * @example "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxYjRlMjhiYSJ9.c2lnbmF0dXJl"
   */
  accessToken!: string;
  /** Always `Bearer`. */
  tokenType!: 'Bearer';
  /**
   * Seconds until the token expires (JWT_EXPIRES_IN).
   * @example 3600
   */
  @ApiProperty({ type: 'integer', minimum: 1 })
  expiresIn!: number;
}
