import { ConflictException, Injectable } from '@nestjs/common';
import type { Principal } from '@trace/access';
import { ReportJobsRepository } from '@trace/reports';
import type { StreamedFile } from '../common/ndjson';
import { ownedReportJob } from './owned-report-job';

export interface ReadReportJobResultCommand {
  id: string;
  caller: Principal;
}

/** The signed CSV of a finished report job, read chunk by chunk from storage; 409 before it is done. */
@Injectable()
export class ReadReportJobResultUseCase {
  constructor(private readonly jobs: ReportJobsRepository) {}

  async execute({ id, caller }: ReadReportJobResultCommand): Promise<StreamedFile> {
    const job = await ownedReportJob(this.jobs, id, caller);
    if (job.status !== 'done') throw new ConflictException(`report job ${id} is ${job.status}`);
    return {
      headers: {
        'content-type': 'text/csv; charset=utf-8',
        'content-length': String(job.bytes),
        'content-disposition': `attachment; filename="genealogy-${id}.csv"`,
        'x-report-key-id': job.keyId ?? '',
      },
      items: job.serials.length - job.notFound.length,
      chunks: this.jobs.readChunks(id, job.chunks),
    };
  }
}
