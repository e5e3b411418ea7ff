import { INestMicroservice, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger as PinoLogger } from 'nestjs-pino';
import { loadEnv, logLevels } from '@trace/platform';
import { IngestEnv } from './ingest.config';
import { IngestMetrics } from './ingest.metrics';
import { IngestModule } from './ingest.module';
import { KafkaBatchTransport } from './kafka-batch.transport';

/**
 * Starts the ingest with the given environment; resolves once it consumes. `onFatal` is called when
 * the transport stopped on a failure no retry can fix; by default the ingest closes and the process
 * exits with status 1, so the orchestrator restarts it and the failure is seen.
 */
export async function startIngest(
  environment: NodeJS.ProcessEnv = process.env,
  onFatal: (error: unknown, app: INestMicroservice) => void = exitOnFatal,
): Promise<INestMicroservice> {
  const env = loadEnv(IngestEnv, environment);
  const transport = new KafkaBatchTransport({
    brokers: env.KAFKA_BROKERS,
    clientId: env.KAFKA_CLIENT_ID,
    groupId: env.KAFKA_GROUP_ID,
    topicPrefix: env.TOPIC_PREFIX,
    topicPartitions: env.KAFKA_TOPIC_PARTITIONS,
    partitionsConsumedConcurrently: env.INGEST_PARTITIONS_CONCURRENTLY,
    fetch: { maxBytes: env.INGEST_FETCH_MAX_BYTES, maxBytesPerPartition: env.INGEST_PARTITION_FETCH_MAX_BYTES },
    maxBackoffMs: env.INGEST_MAX_BACKOFF_MS,
    deadLetterMaxBytes: env.INGEST_DEAD_LETTER_MAX_BYTES,
    shutdownTimeoutMs: env.INGEST_SHUTDOWN_TIMEOUT_MS,
    onFatal: (error) => onFatal(error, app), // called while consuming, long after `app` is set
  });
  const app = await NestFactory.createMicroservice(IngestModule.forRoot(env), {
    strategy: transport,
    logger: logLevels(env.LOG_LEVEL), // until pino takes over, below (and if the app cannot be made)
    bufferLogs: true,
    abortOnError: false,
  });
  app.useLogger(app.get(PinoLogger));
  transport.useMetrics(app.get(IngestMetrics));
  app.enableShutdownHooks();
  await app.listen();
  return app;
}

function exitOnFatal(error: unknown, app: INestMicroservice): void {
  new Logger('Ingest').fatal(`stopping: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
  // Closing waits for the batches in flight; an exit follows in any case.
  setTimeout(() => process.exit(1), 10_000).unref();
  void app.close().finally(() => process.exit(1));
}
