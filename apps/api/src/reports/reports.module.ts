import { DynamicModule, Module } from '@nestjs/common';
import { GenealogyModule as GraphModule } from '@trace/genealogy';
import { ReportJobsModule, ReportKeysModule, ReportVerifier } from '@trace/reports';
import { ApiEnv } from '../api.config';
import { ExportEpcisUseCase } from './export-epcis.use-case';
import { GenerateReportUseCase } from './generate-report.use-case';
import { GetReportJobUseCase } from './get-report-job.use-case';
import { ListReportKeysUseCase } from './list-report-keys.use-case';
import { ReadReportJobResultUseCase } from './read-report-job-result.use-case';
import { REPORT_JOB_SETTINGS, ReportJobRunner, ReportJobSettings } from './report-job.runner';
import { ReportJobsController } from './report-jobs.controller';
import { ReportsController } from './reports.controller';
import { RotateReportKeyUseCase } from './rotate-report-key.use-case';
import { StartReportJobUseCase } from './start-report-job.use-case';
import { VerifyReportUseCase } from './verify-report.use-case';

const reportJobSettings = (env: ApiEnv): ReportJobSettings => ({
  maxActive: env.REPORT_JOBS_MAX_ACTIVE_PER_KEY,
  maxKept: env.REPORT_JOBS_MAX_KEPT_PER_KEY,
  maxStoredBytes: env.REPORT_JOBS_MAX_STORED_BYTES_PER_KEY,
  maxJobBytes: env.REPORT_JOB_MAX_BYTES,
  ttlMs: env.REPORT_JOB_TTL_SECONDS * 1000,
  leaseMs: env.REPORT_JOB_LEASE_MS,
  maintenanceMs: env.REPORT_JOB_MAINTENANCE_MS,
});

const USE_CASES = [
  GenerateReportUseCase,
  ExportEpcisUseCase,
  ListReportKeysUseCase,
  RotateReportKeyUseCase,
  VerifyReportUseCase,
  StartReportJobUseCase,
  GetReportJobUseCase,
  ReadReportJobResultUseCase,
];

/** Signed genealogy reports of a serial (JSON, CSV, PDF, EPCIS), their keys and verification, and report jobs over many serials. */
@Module({})
export class ReportsModule {
  static forRoot(env: ApiEnv): DynamicModule {
    return {
      module: ReportsModule,
      imports: [GraphModule, ReportKeysModule.register(env.REPORT_KEY_SECRET), ReportJobsModule],
      controllers: [ReportsController, ReportJobsController],
      providers: [...USE_CASES, ReportJobRunner, ReportVerifier, { provide: REPORT_JOB_SETTINGS, useValue: reportJobSettings(env) }],
    };
  }
}
