import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ensureTopics, KafkaClients, loadEnv, logLevels, prefixedTopics, topicSettingsOf } from '@trace/platform';
import { CFX_DEAD_LETTER_TOPIC, CFX_LINE_TOPIC } from '@trace/contracts';
import { CfxBridgeEnv } from './cfx-bridge.config';
import { CfxBridgeModule } from './cfx-bridge.module';

/** Starts the bridge with the given environment; resolves once it consumes from the broker. */
export async function startCfxBridge(environment: NodeJS.ProcessEnv = process.env): Promise<INestApplicationContext> {
  const env = loadEnv(CfxBridgeEnv, environment);
  const app = await NestFactory.createApplicationContext(CfxBridgeModule.forRoot(env), {
    logger: logLevels(env.LOG_LEVEL),
    abortOnError: false,
  });
  // The contract's topics and the CFX dead-letter topic, before the first message needs them.
  const kafka = app.get(KafkaClients);
  const topics = [...prefixedTopics(env.TOPIC_PREFIX).sources, kafka.topic(CFX_DEAD_LETTER_TOPIC), kafka.topic(CFX_LINE_TOPIC)];
  await ensureTopics(await kafka.admin(), topics, env.KAFKA_TOPIC_PARTITIONS, 60_000, topicSettingsOf(env.TOPIC_PREFIX));
  app.enableShutdownHooks();
  await app.init();
  return app;
}
