import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../common/auth/auth.decorators';
import { CheckHealthUseCase, HealthReport } from './check-health.use-case';

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(private readonly checkHealth: CheckHealthUseCase) {}

  @Get()
  @ApiOkResponse({ description: 'The database and the broker are reachable' })
  @ApiServiceUnavailableResponse({ description: 'One of them is not; the body says which' })
  async check(@Res({ passthrough: true }) res: Response): Promise<HealthReport> {
    const report = await this.checkHealth.execute();
    res.status(report.status === 'ok' ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return report;
  }
}
