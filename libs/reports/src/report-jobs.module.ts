import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { REPORT_CHUNK_MODEL, REPORT_JOB_MODEL, ReportChunkSchema, ReportJobSchema, ReportJobsRepository } from './report-jobs.repository';

/** Report jobs (report_jobs) and their stored results (report_chunks). Needs a MongooseModule.forRoot in the app. */
@Module({
  imports: [MongooseModule.forFeature([{ name: REPORT_JOB_MODEL, schema: ReportJobSchema }, { name: REPORT_CHUNK_MODEL, schema: ReportChunkSchema }])],
  providers: [ReportJobsRepository],
  exports: [ReportJobsRepository],
})
export class ReportJobsModule {}
