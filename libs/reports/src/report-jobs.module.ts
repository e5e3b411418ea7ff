import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import {
  REPORT_CHUNK_MODEL, REPORT_JOB_KEY_MODEL, REPORT_JOB_MODEL, REPORT_JOB_REGISTRY_MODEL, ReportChunkSchema, ReportJobKeySchema, ReportJobRegistrySchema, ReportJobSchema, ReportJobsRepository,
} from './report-jobs.repository';

/**
 * Report jobs (report_jobs), their stored results (report_chunks), each key's jobs for its quota (report_job_keys) and
 * the registry of active jobs and of keys holding jobs (report_job_registry). Needs a MongooseModule.forRoot in the app.
 */
@Module({
  imports: [
    MongooseModule.forFeature([
      { name: REPORT_JOB_MODEL, schema: ReportJobSchema },
      { name: REPORT_CHUNK_MODEL, schema: ReportChunkSchema },
      { name: REPORT_JOB_KEY_MODEL, schema: ReportJobKeySchema },
      { name: REPORT_JOB_REGISTRY_MODEL, schema: ReportJobRegistrySchema },
    ]),
  ],
  providers: [ReportJobsRepository],
  exports: [ReportJobsRepository],
})
export class ReportJobsModule {}
