import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, Min } from 'class-validator';

/** Settings both apps share: where the database and the broker are. Defaults suit the local stack. */
export class PlatformEnv {
  /** MongoDB connection string; the database name in its path (default `trace`). */
  @IsString() @Matches(/^mongodb(\+srv)?:\/\//, { message: 'MONGO_URL must be a mongodb:// or mongodb+srv:// URL' })
  MONGO_URL = 'mongodb://127.0.0.1:27017/trace';

  /** Database name, when the URL names none. */
  @IsString() @IsNotEmpty() MONGO_DB = 'trace';

  /** Write concern of the graph writes: `majority` on a replica set, `1` on a single server. */
  @IsString() @IsNotEmpty() MONGO_WRITE_CONCERN = 'majority';

  /** Comma-separated Kafka bootstrap brokers. */
  @IsString() @Matches(/^[^,\s]+:\d+(,[^,\s]+:\d+)*$/, { message: 'KAFKA_BROKERS must be host:port[,host:port...]' })
  KAFKA_BROKERS = '127.0.0.1:9092';

  /** Prefix of every topic name (e.g. `site1.`), to share one cluster between sites or test runs. */
  @IsOptional() @IsString() @Matches(/^[A-Za-z0-9._-]*$/) TOPIC_PREFIX = '';

  @IsIn(['error', 'warn', 'log', 'debug', 'verbose']) LOG_LEVEL: 'error' | 'warn' | 'log' | 'debug' | 'verbose' = 'log';

  /** `json`: one JSON object a line (pino), for a log collector; `pretty`: lines for a person (the demo). */
  @IsIn(['json', 'pretty']) LOG_FORMAT: 'json' | 'pretty' = 'json';

  @IsInt() @Min(1) @Max(1_000) KAFKA_TOPIC_PARTITIONS: number = 3;

  /** Port of the Prometheus endpoint (GET /metrics), apart from any public one; unset: no endpoint, 0: any free port. */
  @Transform(({ obj }: { obj: Record<string, unknown> }) => (obj.METRICS_PORT === '' || obj.METRICS_PORT === undefined ? undefined : Number(obj.METRICS_PORT)))
  @IsOptional() @IsInt() @Min(0) @Max(65_535) METRICS_PORT?: number;
  /** Address the metrics endpoint listens on; loopback unless a scraper elsewhere must reach it. */
  @IsString() @IsNotEmpty() METRICS_HOST = '127.0.0.1';
}

/** The metrics endpoint's settings (MetricsModule.forRoot) from the platform settings. */
export const metricsSettings = (env: PlatformEnv): { port?: number; host: string } => ({ port: env.METRICS_PORT, host: env.METRICS_HOST });

/** The logger levels to enable for a LOG_LEVEL. */
export const logLevels = (level: PlatformEnv['LOG_LEVEL']): ('error' | 'warn' | 'log' | 'debug' | 'verbose')[] => {
  const all = ['error', 'warn', 'log', 'debug', 'verbose'] as const;
  return all.slice(0, all.indexOf(level) + 1);
};
