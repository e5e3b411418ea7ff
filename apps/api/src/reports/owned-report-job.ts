import { NotFoundException } from '@nestjs/common';
import type { Principal } from '@trace/access';
import type { ReportJob, ReportJobsRepository } from '@trace/reports';

/** The job, if this caller started it; anyone else gets the answer of a job that does not exist. */
export async function ownedReportJob(jobs: ReportJobsRepository, id: string, caller: Principal): Promise<ReportJob> {
  const job = await jobs.get(id);
  if (!job || job.ownerKeyId !== caller.keyId) throw new NotFoundException(`report job ${JSON.stringify(id)} is not known`);
  return job;
}
