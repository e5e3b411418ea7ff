import { INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { loadEnv, logLevels } from '@trace/platform';
import { IngestEnv } from './ingest.config';
import { IngestModule } from './ingest.module';
import { KafkaBatchTransport } from './kafka-batch.transport';

/** Starts the ingest with the given environment; resolves once it consumes. */
export async function startIngest(environment: NodeJS.ProcessEnv = process.env): Promise<INestMicroservice> {
  const env = loadEnv(IngestEnv, environment);
  const app = await NestFactory.createMicroservice(IngestModule.forRoot(env), {
    strategy: new KafkaBatchTransport({
      brokers: env.KAFKA_BROKERS,
      clientId: env.KAFKA_CLIENT_ID,
      groupId: env.KAFKA_GROUP_ID,
      topicPrefix: env.TOPIC_PREFIX,
      topicPartitions: env.KAFKA_TOPIC_PARTITIONS,
      partitionsConsumedConcurrently: env.INGEST_PARTITIONS_CONCURRENTLY,
      maxBackoffMs: env.INGEST_MAX_BACKOFF_MS,
    }),
    logger: logLevels(env.LOG_LEVEL),
    abortOnError: false,
  });
  app.enableShutdownHooks();
  await app.listen();
  return app;
}
