import { IsInt, IsOptional, IsString, Max, Min, MinLength, IsNotEmpty } from 'class-validator';
import { GreaterThanSetting, PlatformEnv } from '@trace/platform';

/** Settings of the API app (see the README's configuration table). */
export class ApiEnv extends PlatformEnv {
  @IsString() @IsNotEmpty() API_HOST: string = '127.0.0.1';
  @IsInt() @Min(0) @Max(65_535) API_PORT: number = 3000;
  /** On SIGTERM, how long answers in flight (streams included) may take before their connections are closed. */
  @IsInt() @Min(0) @Max(600_000) API_SHUTDOWN_GRACE_MS: number = 10_000;
  /** A bound on the whole stop: a close hook still running this long after SIGTERM is logged as an error and the process exits with status 1. */
  @IsInt() @Min(100) @Max(3_600_000) @GreaterThanSetting('API_SHUTDOWN_GRACE_MS') API_SHUTDOWN_EXIT_MS: number = 30_000;
  /** Comma-separated origins allowed by CORS; empty allows none. */
  @IsString() CORS_ORIGINS: string = '';
  /** The ingest's consumer group, whose lag a report gives as the freshness of its data. */
  @IsString() @IsNotEmpty() INGEST_GROUP_ID: string = 'trace-ingest';
  /** Encrypts report signing keys at rest (report_keys); empty stores them unencrypted, with a warning. */
  @IsString() REPORT_KEY_SECRET: string = '';
  /** Secret that signs paging cursors; set the same value on every API instance behind one address. */
  /** Requests to expensive routes (walks of the graph, reports, holds) each key may make per window, per API instance. */
  @IsInt() @Min(1) RATE_LIMIT_EXPENSIVE: number = 1_000;
  /** The window of RATE_LIMIT_EXPENSIVE, in milliseconds. */
  @IsInt() @Min(1_000) @Max(86_400_000) RATE_LIMIT_WINDOW_MS: number = 60_000;
  /** Browser sessions end after this many minutes without a request... */
  @IsInt() @Min(1) @Max(24 * 60) SESSION_IDLE_MINUTES: number = 30;
  /** ...and this many hours after sign-in, however busy. */
  @IsInt() @Min(1) @Max(24 * 7) SESSION_MAX_HOURS: number = 12;
  /** The built web app (vite's output) served at /; empty: dist/web under the working directory. */
  @IsString() WEB_ROOT: string = '';
  @IsOptional() @IsString() @MinLength(32, { message: 'CURSOR_SECRET must be at least 32 characters' }) CURSOR_SECRET?: string;

  // Report jobs (POST /v1/reports): what one key may hold, and for how long.
  /** Jobs of one key queued or running at once; one more answers 429. */
  @IsInt() @Min(1) @Max(1_000) REPORT_JOBS_MAX_ACTIVE_PER_KEY: number = 2;
  /** Jobs of one key kept (not yet expired) at once, finished ones included; one more answers 429. */
  @IsInt() @Min(1) @Max(10_000) REPORT_JOBS_MAX_KEPT_PER_KEY: number = 20;
  /** Bytes of stored results of one key; a queued or running job counts as REPORT_JOB_MAX_BYTES until it ends. */
  @IsInt() @Min(1024) REPORT_JOBS_MAX_STORED_BYTES_PER_KEY: number = 256 * 1024 * 1024;
  /** Largest result of one job; a job whose CSV would grow past it fails and its chunks are deleted. */
  @IsInt() @Min(1024) REPORT_JOB_MAX_BYTES: number = 64 * 1024 * 1024;
  /** A job and its result are deleted this long after the job was created. */
  @IsInt() @Min(1) @Max(30 * 24 * 3600) REPORT_JOB_TTL_SECONDS: number = 24 * 3600;
  /** An instance renews the lease of the jobs it holds every third of this; a job whose lease ran out is taken over. */
  @IsInt() @Min(500) @Max(3_600_000) REPORT_JOB_LEASE_MS: number = 60_000;
  /** How often an instance takes over abandoned jobs and deletes expired ones (also once at start). */
  @IsInt() @Min(100) @Max(3_600_000) REPORT_JOB_MAINTENANCE_MS: number = 60_000;
  /** Largest file POST /v1/reports/verify reads; a larger body answers 413. */
  @IsInt() @Min(1024) @Max(1024 * 1024 * 1024) REPORT_VERIFY_MAX_BYTES: number = 64 * 1024 * 1024;
}
