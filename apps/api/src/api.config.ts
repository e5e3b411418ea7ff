import { IsInt, IsOptional, IsString, Max, Min, MinLength, IsNotEmpty } from 'class-validator';
import { PlatformEnv } from '@trace/platform';

/** Settings of the API app (see the README's configuration table). */
export class ApiEnv extends PlatformEnv {
  @IsString() @IsNotEmpty() API_HOST: string = '127.0.0.1';
  @IsInt() @Min(0) @Max(65_535) API_PORT: number = 3000;
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
  @IsOptional() @IsString() @MinLength(32, { message: 'CURSOR_SECRET must be at least 32 characters' }) CURSOR_SECRET?: string;
}
