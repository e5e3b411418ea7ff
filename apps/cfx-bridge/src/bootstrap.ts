import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger as PinoLogger } from 'nestjs-pino';
import { ensureTopics, KafkaClients, loadEnv, logLevels, prefixedTopics, topicSettingsOf } from '@trace/platform';
import { CFX_DEAD_LETTER_TOPIC, CFX_LINE_TOPIC } from '@trace/contracts';
import { CfxBridgeEnv } from './cfx-bridge.config';
import { CfxAmqpConsumer } from './cfx-amqp.consumer';
import { CfxBridgeModule } from './cfx-bridge.module';
import { LineHolds } from './line-holds/line-holds.service';

/** Starts the bridge with the given environment; resolves once it consumes from the broker. */
export async function startCfxBridge(environment: NodeJS.ProcessEnv = process.env): Promise<INestApplicationContext> {
  const env = loadEnv(CfxBridgeEnv, environment);
  const app = await NestFactory.createApplicationContext(CfxBridgeModule.forRoot(env), {
    logger: logLevels(env.LOG_LEVEL), // until pino takes over, below (and if the app cannot be made)
    bufferLogs: true,
    abortOnError: false,
  });
  app.useLogger(app.get(PinoLogger));
  app.flushLogs(); // an application context has no listen() to flush them: what follows is logged as it happens
  try {
    // The contract's topics and the CFX dead-letter topic, before the first message needs them.
    const kafka = app.get(KafkaClients);
    const topics = [...prefixedTopics(env.TOPIC_PREFIX).sources, kafka.topic(CFX_DEAD_LETTER_TOPIC), kafka.topic(CFX_LINE_TOPIC)];
    await ensureTopics(await kafka.admin(), topics, env.KAFKA_TOPIC_PARTITIONS, 60_000, topicSettingsOf(env.TOPIC_PREFIX));
    app.enableShutdownHooks();
    // Consuming starts here, not in a lifecycle hook: createApplicationContext runs those before the topics exist and
    // before pino takes over (whose lines would wait in Nest's buffer until the start ended).
    await app.get(CfxAmqpConsumer).start();
    await app.get(LineHolds).start();
  } catch (error) {
    await app.close().catch(() => undefined);
    throw error;
  }
  return app;
}
