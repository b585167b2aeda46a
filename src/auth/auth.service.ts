import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';

import { AppError } from '../common/errors/app-error.js';
import { type AuthConfig, authConfig } from '../config/configuration.js';
import type { AccessTokenDto } from './dto/access-token.dto.js';
import type { CredentialsDto } from './dto/credentials.dto.js';
import { PasswordHasher } from './password-hasher.js';
import type { User } from './users/user.entity.js';
import { UsersRepository } from './users/users.repository.js';

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
    private readonly jwt: JwtService,
    @Inject(authConfig.KEY) private readonly config: AuthConfig,
  ) {}

  async register({ email, password }: CredentialsDto): Promise<AccessTokenDto> {
    const user = await this.users.create(email, await this.hasher.hash(password));
    if (!user) throw new AppError('EMAIL_TAKEN', 'An account with this email already exists');
    return this.issueToken(user);
  }

  /** Unknown email and wrong password are indistinguishable: same answer, same work. */
  async login({ email, password }: CredentialsDto): Promise<AccessTokenDto> {
    const user = await this.users.findByEmail(email);
    const valid = await this.hasher.verify(user?.passwordHash ?? null, password);
    if (!user || !valid) throw new AppError('INVALID_CREDENTIALS', 'Invalid email or password');
    return this.issueToken(user);
  }

  private async issueToken(user: User): Promise<AccessTokenDto> {
    const accessToken = await this.jwt.signAsync({ sub: user.id, email: user.email });
    return { accessToken, tokenType: 'Bearer', expiresIn: this.config.expiresInSeconds };
  }
}
