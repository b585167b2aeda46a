import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';

import { Public } from '../auth/decorators/public.decorator.js';
import { AppError } from '../common/errors/app-error.js';
import { ApiErrors } from '../common/http/api-errors.decorator.js';
import { BucketHealthIndicator } from './bucket.health.js';
import { HealthDto } from './health.dto.js';

const CHECK_TIMEOUT_MS = 2000;

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly bucket: BucketHealthIndicator,
  ) {}

  /** Liveness: the process serves requests. Checks no dependency (a database outage must not restart every instance). */
  @Get()
  @ApiOkResponse({ type: HealthDto })
  checkLiveness(): Promise<HealthDto> {
    return this.health.check([]) as Promise<HealthDto>;
  }

  /** Readiness: the database answers and the bucket is reachable. 503 with the failing dependency otherwise. */
  @Get('ready')
  @ApiOkResponse({ type: HealthDto })
  @ApiErrors('NOT_READY')
  async checkReadiness(): Promise<HealthDto> {
    try {
      return (await this.health.check([
        () => this.database.pingCheck('database', { timeout: CHECK_TIMEOUT_MS }),
        () => this.bucket.isReachable('bucket', CHECK_TIMEOUT_MS),
      ])) as HealthDto;
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      throw new AppError('NOT_READY', 'A dependency is not available', error.getResponse());
    }
  }
}
