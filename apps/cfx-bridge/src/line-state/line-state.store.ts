import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { KafkaClients, ensureTopics } from '@trace/platform';
import type { Consumer } from 'kafkajs';
import { CFX_STATE_TOPIC, CFX_STATE_TOPIC_SETTINGS, LineState, parseStateRecord } from './line-state';

export const LINE_STATE_OPTIONS = Symbol('LINE_STATE_OPTIONS');

export interface LineStateOptions {
  /** Prefix of the throwaway consumer group that reads the state topic (one group per bridge process). */
  groupPrefix: string;
  loadTimeoutMs: number;
  /** Partitions of the state topic when the bridge creates it. */
  partitions: number;
}

/**
 * Fills the LineState from its compacted topic at start (read to the end offsets it has then, before the bridge takes
 * its first CFX message), and keeps following it, so the records another bridge on the same address writes reach this
 * one too. The bridge's own writes come back through it as well; `offer` takes each record once.
 */
@Injectable()
export class LineStateStore implements OnApplicationShutdown {
  private readonly logger = new Logger(LineStateStore.name);
  private consumer?: Consumer;

  constructor(
    @Inject(LINE_STATE_OPTIONS) private readonly options: LineStateOptions,
    private readonly kafka: KafkaClients,
    private readonly state: LineState,
  ) {}

  /** Resolves once every record the topic held when called is in the state; rejects after the load timeout. */
  async load(): Promise<void> {
    const topic = this.kafka.topic(CFX_STATE_TOPIC);
    // Here, not with the other topics at start: Nest runs the consumer's bootstrap (which calls this) inside init.
    await ensureTopics(await this.kafka.admin(), [topic], this.options.partitions, this.options.loadTimeoutMs, () => CFX_STATE_TOPIC_SETTINGS);
    const ends = new Map((await this.endOffsets(topic)).map((p) => [p.partition, Number(p.high)]));
    const pending = new Set([...ends].filter(([, high]) => high > 0).map(([partition]) => partition));
    let loaded = 0;
    let reachedEnd!: () => void;
    const done = new Promise<void>((resolve) => (reachedEnd = resolve));
    if (pending.size === 0) reachedEnd();
    // A group of its own per process: every bridge reads the whole topic, and nothing is committed.
    const consumer = this.kafka.kafka.consumer({ groupId: `${this.options.groupPrefix}-${process.pid}-${Date.now().toString(36)}` });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        const record = parseStateRecord(message.value);
        if (record === undefined) this.logger.warn(`${topic} [${partition}] offset ${message.offset}: not a record of the bridge's state, skipped`);
        else if (this.state.offer(record)) loaded++;
        if (pending.size > 0 && Number(message.offset) + 1 >= (ends.get(partition) ?? 0) && pending.delete(partition) && pending.size === 0) reachedEnd();
      },
    });
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        done,
        new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`${topic} not read to its end within ${this.options.loadTimeoutMs} ms`)), this.options.loadTimeoutMs))),
      ]);
    } finally {
      clearTimeout(timer);
    }
    const { workOrders, panels } = this.state.size;
    this.logger.log(`state read back from ${topic}: ${workOrders} work orders, ${panels} panels (${loaded} records)`);
  }

  /** The topic's end offsets; a KRaft broker answers UNKNOWN_TOPIC_OR_PARTITION for a moment after creating it. */
  private async endOffsets(topic: string): Promise<{ partition: number; high: string }[]> {
    const deadline = Date.now() + this.options.loadTimeoutMs;
    for (;;) {
      try {
        return await (await this.kafka.admin()).fetchTopicOffsets(topic);
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer?.disconnect().catch(() => undefined);
  }
}
