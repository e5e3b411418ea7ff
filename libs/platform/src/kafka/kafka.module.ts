import { DynamicModule, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import type { Admin, Kafka, Producer } from 'kafkajs';
import { IDEMPOTENT_PRODUCER_RETRY, createKafka } from './kafka-client';

/** What the Kafka module needs: the brokers, this app's client id, and the deployment's topic prefix. */
export interface KafkaOptions {
  clientId: string;
  brokers: string;
  topicPrefix: string;
}

export const KAFKA_OPTIONS = Symbol('KAFKA_OPTIONS');

/**
 * The one Kafka client of an app, with its producer and admin connected on first use (a broker that is down at start
 * does not stop the app; the next use tries again) and disconnected at shutdown. Features inject this instead of
 * building clients of their own.
 */
@Injectable()
export class KafkaClients implements OnApplicationShutdown {
  readonly kafka: Kafka;
  readonly topicPrefix: string;
  private readonly producerHandle: Producer;
  private readonly adminHandle: Admin;
  private producerConnected?: Promise<void>;
  private adminConnected?: Promise<void>;

  constructor(@Inject(KAFKA_OPTIONS) options: KafkaOptions) {
    this.kafka = createKafka(options.clientId, options.brokers);
    this.topicPrefix = options.topicPrefix;
    // Idempotent (kafkajs needs one request in flight for it, and retries without limit): a send retried across a
    // leader change is written once.
    this.producerHandle = this.kafka.producer({ allowAutoTopicCreation: false, idempotent: true, maxInFlightRequests: 1, retry: IDEMPOTENT_PRODUCER_RETRY });
    this.adminHandle = this.kafka.admin();
  }

  /** The topic's name in this deployment. */
  topic(contractTopic: string): string {
    return this.topicPrefix + contractTopic;
  }

  /** The producer, connected. */
  async producer(): Promise<Producer> {
    this.producerConnected ??= this.producerHandle.connect();
    try {
      await this.producerConnected;
    } catch (error) {
      this.producerConnected = undefined; // the next call connects anew
      throw error;
    }
    return this.producerHandle;
  }

  /** The admin client, connected. */
  async admin(): Promise<Admin> {
    this.adminConnected ??= this.adminHandle.connect();
    try {
      await this.adminConnected;
    } catch (error) {
      this.adminConnected = undefined;
      throw error;
    }
    return this.adminHandle;
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([
      this.producerConnected ? this.producerHandle.disconnect() : undefined,
      this.adminConnected ? this.adminHandle.disconnect() : undefined,
    ]);
  }
}

/** The Kafka client, producer and admin of an app, global to it. */
@Module({})
export class KafkaModule {
  static forRoot(options: KafkaOptions): DynamicModule {
    return {
      module: KafkaModule,
      global: true,
      providers: [{ provide: KAFKA_OPTIONS, useValue: options }, KafkaClients],
      exports: [KafkaClients],
    };
  }
}
