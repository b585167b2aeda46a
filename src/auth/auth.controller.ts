import { Body, Controller, Get, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';

import { ApiErrors } from '../common/http/api-errors.decorator.js';
import { AuthService } from './auth.service.js';
import type { AuthenticatedUser } from './authenticated-user.js';
import { CurrentUser } from './decorators/current-user.decorator.js';
import { Public } from './decorators/public.decorator.js';
import { AccessTokenDto } from './dto/access-token.dto.js';
import { CredentialsDto } from './dto/credentials.dto.js';
import { MeDto } from './dto/me.dto.js';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  /** Creates an account and returns an access token for it. */
  @Public()
  @Post('register')
  @ApiCreatedResponse({ type: AccessTokenDto })
  @ApiErrors('EMAIL_TAKEN', 'RATE_LIMITED', 'DATABASE_UNAVAILABLE')
  register(@Body() body: CredentialsDto): Promise<AccessTokenDto> {
    return this.auth.register(body);
  }

  /** Exchanges email and password for an access token. */
  @Public()
  @Post('login')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: AccessTokenDto })
  @ApiErrors('INVALID_CREDENTIALS', 'RATE_LIMITED', 'DATABASE_UNAVAILABLE')
  login(@Body() body: CredentialsDto): Promise<AccessTokenDto> {
    return this.auth.login(body);
  }

  /** The caller, as identified by the access token. */
  @Get('me')
  @ApiOkResponse({ type: MeDto })
  getMe(@CurrentUser() user: AuthenticatedUser): MeDto {
    return { id: user.id, email: user.email };
  }
}
