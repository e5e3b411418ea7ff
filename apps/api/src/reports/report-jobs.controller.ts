import { Body, ConflictException, Controller, Get, HttpCode, HttpException, HttpStatus, NotFoundException, Param, Post, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBadRequestResponse, ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import type { Principal } from '@trace/access';
import { ReportJob, ReportJobsRepository } from '@trace/reports';
import type { Response } from 'express';
import { once } from 'node:events';
import { ITEMS_LOCAL } from '../common/auth/access-log.middleware';
import { Caller } from '../common/auth/auth.decorators';
import { ErrorDto } from '../common/error.dto';
import { ReportJobRunner } from './report-job.runner';
import { CreateReportJobDto, ReportJobDto, ReportJobParams, jobView } from './report-jobs.dto';
import { Expensive } from '../common/auth/key-throttler.guard';

@ApiTags('reports')
@Controller('v1/reports')
export class ReportJobsController {
  constructor(
    private readonly jobs: ReportJobsRepository,
    private readonly runner: ReportJobRunner,
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
  @ApiBadRequestResponse({ type: ErrorDto, description: 'Not 1 to 10,000 serials, or a serial given twice' })
  @ApiTooManyRequestsResponse({ type: ErrorDto, description: "Over this key's quota of report jobs; the message says which" })
  async create(@Body() body: CreateReportJobDto, @Caller() caller: Principal, @Res({ passthrough: true }) res: Response): Promise<ReportJobDto> {
    const admitted = await this.jobs.admit(caller.keyId, caller.scope, body.serials, body.format, this.runner.instanceId, this.runner.settings);
    if ('refused' in admitted) {
      if (admitted.retryAfterS) res.set('retry-after', String(admitted.retryAfterS));
      throw new HttpException({ statusCode: HttpStatus.TOO_MANY_REQUESTS, error: 'Too Many Requests', message: admitted.refused }, HttpStatus.TOO_MANY_REQUESTS);
    }
    this.runner.start(admitted);
    return jobView(admitted);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Progress of a report job (only the key that started it sees it)' })
  @ApiOkResponse({ type: ReportJobDto })
  @ApiNotFoundResponse({ type: ErrorDto })
  async get(@Param() { id }: ReportJobParams, @Caller() caller: Principal): Promise<ReportJobDto> {
    return jobView(await this.owned(id, caller));
  }

  @Get(':id/result')
  @ApiOperation({ summary: 'The signed CSV of a finished report job, streamed' })
  @ApiProduces('text/csv')
  @ApiConflictResponse({ type: ErrorDto, description: 'Not finished yet' })
  @ApiNotFoundResponse({ type: ErrorDto })
  async result(@Param() { id }: ReportJobParams, @Caller() caller: Principal, @Res() res: Response): Promise<void> {
    const job = await this.owned(id, caller);
    if (job.status !== 'done') throw new ConflictException(`report job ${id} is ${job.status}`);
    res.locals[ITEMS_LOCAL] = job.serials.length - job.notFound.length;
    res.status(200).set({
      'content-type': 'text/csv; charset=utf-8',
      'content-length': String(job.bytes),
      'content-disposition': `attachment; filename="genealogy-${id}.csv"`,
      'x-report-key-id': job.keyId ?? '',
    });
    for await (const chunk of this.jobs.readChunks(id, job.chunks)) {
      if (!res.write(chunk)) await once(res, 'drain');
    }
    res.end();
  }

  /** The job, if this caller started it; anyone else gets the answer of a job that does not exist. */
  private async owned(id: string, caller: Principal): Promise<ReportJob> {
    const job = await this.jobs.get(id);
    if (!job || job.ownerKeyId !== caller.keyId) throw new NotFoundException(`report job ${JSON.stringify(id)} is not known`);
    return job;
  }
}
