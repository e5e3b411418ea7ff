import { HttpException, HttpStatus, Injectable } from '@nestjs/common';
import type { Principal } from '@trace/access';
import { ReportJobsRepository } from '@trace/reports';
import { ReportJobRunner } from './report-job.runner';
import { ReportJobDto, jobView } from './report-jobs.dto';

export interface StartReportJobCommand {
  caller: Principal;
  serials: string[];
  format: 'csv';
  /** Reports as of this moment (a validated ISO 8601 instant; absent: when the job runs). */
  asOf?: string;
  /** Told the seconds after which asking again may succeed, when the quota refuses and waiting is known to help. */
  retryAfter: (seconds: number) => void;
}

/** "Report on these 10,000 serials": admits a job within the key's quota (429 beyond) and starts it in the background. */
@Injectable()
export class StartReportJobUseCase {
  constructor(
    private readonly jobs: ReportJobsRepository,
    private readonly runner: ReportJobRunner,
  ) {}

  async execute({ caller, serials, format, asOf, retryAfter }: StartReportJobCommand): Promise<ReportJobDto> {
    const admitted = await this.jobs.admit(caller.keyId, caller.scope, serials, format, this.runner.instanceId, this.runner.settings, asOf);
    if ('refused' in admitted) {
      if (admitted.retryAfterS) retryAfter(admitted.retryAfterS);
      throw new HttpException({ statusCode: HttpStatus.TOO_MANY_REQUESTS, error: 'Too Many Requests', message: admitted.refused }, HttpStatus.TOO_MANY_REQUESTS);
    }
    this.runner.start(admitted);
    return jobView(admitted);
  }
}
