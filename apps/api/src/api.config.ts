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
  /** Browser sessions end after this many minutes without a request... */
  @IsInt() @Min(1) @Max(24 * 60) SESSION_IDLE_MINUTES: number = 30;
  /** ...and this many hours after sign-in, however busy. */
  @IsInt() @Min(1) @Max(24 * 7) SESSION_MAX_HOURS: number = 12;
  /** The built web app (vite's output) served at /; empty: dist/web under the working directory. */
  @IsString() WEB_ROOT: string = '';
  @IsOptional() @IsString() @MinLength(32, { message: 'CURSOR_SECRET must be at least 32 characters' }) CURSOR_SECRET?: string;
}
