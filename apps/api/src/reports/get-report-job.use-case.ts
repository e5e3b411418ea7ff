import { Injectable } from '@nestjs/common';
import type { Principal } from '@trace/access';
import { ReportJobsRepository } from '@trace/reports';
import { ownedReportJob } from './owned-report-job';
import { ReportJobDto, jobView } from './report-jobs.dto';

export interface GetReportJobCommand {
  id: string;
  caller: Principal;
}

/** The progress of a report job, for the key that started it only. */
@Injectable()
export class GetReportJobUseCase {
  constructor(private readonly jobs: ReportJobsRepository) {}

  async execute({ id, caller }: GetReportJobCommand): Promise<ReportJobDto> {
    return jobView(await ownedReportJob(this.jobs, id, caller));
  }
}
