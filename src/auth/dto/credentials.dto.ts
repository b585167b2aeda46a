import { Transform } from 'class-transformer';
import { IsEmail, IsString, MaxLength, MinLength } from 'class-validator';

export class CredentialsDto {
  /**
   * Email address (case-insensitive).
   * @example "ada@example.com"
   */
  @Transform(({ value }) => (typeof value === 'string' ? value.trim().toLowerCase() : value))
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
