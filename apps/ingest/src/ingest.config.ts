import { IsInt, IsNotEmpty, IsOptional, IsString, Max, Min } from 'class-validator';
import { GreaterThanSetting, PlatformEnv } from '@trace/platform';
import { DEFAULT_FETCH } from './kafka-batch.transport';

/** Settings of the ingest app (see the README's configuration table). */
export class IngestEnv extends PlatformEnv {
  /** Consumer group: every instance with the same group shares the partitions. */
  @IsString() @IsNotEmpty() KAFKA_GROUP_ID: string = 'trace-ingest';
  @IsString() @IsNotEmpty() KAFKA_CLIENT_ID: string = 'trace-ingest';
  /** Partitions processed at the same time by one instance. */
  @IsInt() @Min(1) @Max(64) INGEST_PARTITIONS_CONCURRENTLY: number = 16;
  /**
   * Bytes one fetch from a broker may bring, across its partitions (kafkajs `maxBytes`). kafkajs fetches again only once
   * every batch of the last fetch is recorded, so each fetch ends in a drain of the recordings in flight: fewer,
   * larger fetches drain less often when the ingest catches up on a backlog.
   */
  @IsInt() @Min(1024 * 1024) @Max(512 * 1024 * 1024) INGEST_FETCH_MAX_BYTES: number = DEFAULT_FETCH.maxBytes;
  /** Bytes one fetch may bring of one partition (kafkajs `maxBytesPerPartition`): the largest batch the handler gets. */
  @IsInt() @Min(64 * 1024) @Max(512 * 1024 * 1024) INGEST_PARTITION_FETCH_MAX_BYTES: number = DEFAULT_FETCH.maxBytesPerPartition;
  /** Longest wait between two retries of a batch the database could not take. */
  @IsInt() @Min(100) INGEST_MAX_BACKOFF_MS: number = 30_000;
  /** On SIGTERM, how long the batches in flight may take to finish (and be committed) before the ingest exits without them. */
  @IsInt() @Min(0) @Max(600_000) INGEST_SHUTDOWN_TIMEOUT_MS: number = 10_000;
  /** A bound on the whole stop: a close hook still running this long after SIGTERM is logged as an error and the process exits with status 1. */
  @IsInt() @Min(100) @Max(3_600_000) @GreaterThanSetting('INGEST_SHUTDOWN_TIMEOUT_MS') INGEST_SHUTDOWN_EXIT_MS: number = 30_000;
  /** A bound on one produce request of dead letters, below the one the broker gives for the dead-letter topic. */
  @IsOptional() @IsInt() @Min(64 * 1024) @Max(100 * 1024 * 1024) INGEST_DEAD_LETTER_MAX_BYTES?: number;
}
