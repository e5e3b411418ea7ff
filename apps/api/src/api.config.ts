import { IsInt, IsString, Max, Min, IsNotEmpty } from 'class-validator';
import { PlatformEnv } from '@trace/platform';

/** Settings of the API app (see the README's configuration table). */
export class ApiEnv extends PlatformEnv {
  @IsString() @IsNotEmpty() API_HOST: string = '127.0.0.1';
  @IsInt() @Min(0) @Max(65_535) API_PORT: number = 3000;
  /** Comma-separated origins allowed by CORS; empty allows none. */
  @IsString() CORS_ORIGINS: string = '';
}
