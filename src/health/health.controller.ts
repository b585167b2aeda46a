import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';

import { Public } from '../auth/decorators/public.decorator.js';
import { AppError } from '../common/errors/app-error.js';
import { HealthReportDto } from '../common/errors/error-response.dto.js';
import { ApiErrors } from '../common/http/api-errors.decorator.js';
import { BucketHealthIndicator } from './bucket.health.js';

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
  @ApiOkResponse({ type: HealthReportDto })
  checkLiveness(): Promise<HealthReportDto> {
    return this.health.check([]) as Promise<HealthReportDto>;
  }

  /** Readiness: the database answers and the bucket is reachable. 503 with the failing dependency otherwise. */
  @Get('ready')
  @ApiOkResponse({ type: HealthReportDto })
  @ApiErrors('NOT_READY')
  async checkReadiness(): Promise<HealthReportDto> {
    try {
      return (await this.health.check([
        () => this.database.pingCheck('database', { timeout: CHECK_TIMEOUT_MS }),
        () => this.bucket.isReachable('bucket', CHECK_TIMEOUT_MS),
      ])) as HealthReportDto;
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      // Terminus answers its HealthCheckResult, the shape HealthReportDto documents.
      throw new AppError('NOT_READY', 'A dependency is not available', error.getResponse() as HealthReportDto);
    }
  }
}
