import { Body, Controller, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBadRequestResponse, ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import type { Principal } from '@trace/access';
import type { Response } from 'express';
import { Caller } from '../common/auth/auth.decorators';
import { ErrorDto } from '../common/error.dto';
import { sendFile } from '../common/ndjson';
import { GetReportJobUseCase } from './get-report-job.use-case';
import { ReadReportJobResultUseCase } from './read-report-job-result.use-case';
import { CreateReportJobDto, ReportJobDto, ReportJobParams } from './report-jobs.dto';
import { StartReportJobUseCase } from './start-report-job.use-case';
import { Expensive } from '../common/auth/key-throttler.guard';

@ApiTags('reports')
@Controller('v1/reports')
export class ReportJobsController {
  constructor(
    private readonly startJob: StartReportJobUseCase,
    private readonly getJob: GetReportJobUseCase,
    private readonly readResult: ReadReportJobResultUseCase,
  ) {}

  @Expensive()
  @Post()
  @HttpCode(202)
  @ApiOperation({
    summary: 'Start a report over many distinct serials (up to 10,000)',
    description:
      'Answers at once with the job; GET /v1/reports/{id} shows its progress, and its result once done: one signed CSV. ' +
      'The job and its result are deleted REPORT_JOB_TTL_SECONDS (default 24 h) after this request. ' +
      'A key holds a bounded number of active and kept jobs and of stored bytes (429 beyond, with Retry-After when waiting for an expiry helps).',
  })
  @ApiAcceptedResponse({ type: ReportJobDto })
  @ApiBadRequestResponse({ type: ErrorDto, description: 'Not 1 to 10,000 serials, a serial given twice, or asOf not a real instant with an offset' })
  @ApiTooManyRequestsResponse({ type: ErrorDto, description: "Over this key's quota of report jobs; the message says which" })
  create(@Body() body: CreateReportJobDto, @Caller() caller: Principal, @Res({ passthrough: true }) res: Response): Promise<ReportJobDto> {
    return this.startJob.execute({ caller, serials: body.serials, format: body.format, ...(body.asOf !== undefined ? { asOf: body.asOf } : {}), retryAfter: (s) => res.set('retry-after', String(s)) });
  }

  @Get(':id')
  @ApiOperation({ summary: 'Progress of a report job (only the key that started it sees it)' })
  @ApiOkResponse({ type: ReportJobDto })
  @ApiNotFoundResponse({ type: ErrorDto })
  get(@Param() { id }: ReportJobParams, @Caller() caller: Principal): Promise<ReportJobDto> {
    return this.getJob.execute({ id, caller });
  }

  @Get(':id/result')
  @ApiOperation({ summary: 'The signed CSV of a finished report job, streamed' })
  @ApiProduces('text/csv')
  @ApiConflictResponse({ type: ErrorDto, description: 'Not finished yet' })
  @ApiNotFoundResponse({ type: ErrorDto })
  async result(@Param() { id }: ReportJobParams, @Caller() caller: Principal, @Res() res: Response): Promise<void> {
    return sendFile(res, await this.readResult.execute({ id, caller }));
  }
}
