import { IsEmail, IsString, MaxLength, MinLength } from 'class-validator';

import { TransformString } from '../../common/http/transform-string.js';

export class CredentialsDto {
  /**
   * Email address (case-insensitive).
   * @example "ada@example.com"
   */
  @TransformString((email) => email.trim().toLowerCase())
  @IsEmail({}, { message: 'email must be a valid email address' })
  @MaxLength(254)
  email!: string;

  /**
   * Password, 8 to 128 characters.
   * @example "correct horse battery staple"
   */
  @IsString()
  @MinLength(8)
  @MaxLength(128)
  password!: string;
}
