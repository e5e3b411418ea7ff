import { Logger } from '@nestjs/common';
import { Admin, Kafka, logLevel, LogEntry, RetryOptions } from 'kafkajs';

// kafkajs warns at every producer about a partitioner change of 2019; the contract keys messages, and the
// default partitioner is what we want.
process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';

// The broker's errors that kafkajs itself retries (leader elections, a topic a KRaft broker has just created, a
// coordinator still loading). kafkajs logs each at ERROR although it recovers; they are expected around fresh topics
// and failovers, so they go to debug. Everything else keeps its level. Read from kafkajs' own table (pinned 2.2.4).
// REBALANCE_IN_PROGRESS is not marked retriable there because the consumer handles it by rejoining the group.
const RETRIABLE_BROKER_ERRORS: ReadonlySet<string> = new Set(
  (require('kafkajs/src/protocol/error') as { errorCodes: { type: string; message: string; retriable: boolean }[] }).errorCodes
    .filter((code) => code.retriable || code.type === 'REBALANCE_IN_PROGRESS')
    .map((code) => code.message),
);
/** The producer's own line for a send it is about to retry. */
const RETRYING_SEND = /^Failed to send messages: (.*)$/;

/** True for a kafkajs log entry about a broker error that kafkajs retries (or rejoins after) by itself. */
export function isRetriedBrokerError(entry: Record<string, unknown>, message = ''): boolean {
  if (typeof entry.error === 'string' && RETRIABLE_BROKER_ERRORS.has(entry.error)) return true;
  const retrying = RETRYING_SEND.exec(message);
  return retrying !== null && RETRIABLE_BROKER_ERRORS.has(retrying[1]!);
}

/**
 * The retries of an idempotent producer: without limit, as kafkajs wants them. Its sequence numbers let the broker
 * write a send retried across a leader change once; a limit would end a send half way, and a send made again would
 * carry new sequence numbers the broker cannot tell from new messages (kafkajs warns "Limiting retries for the
 * idempotent producer may invalidate EoS guarantees"). How long a caller waits is the caller's to bound.
 */
export const IDEMPOTENT_PRODUCER_RETRY: RetryOptions = { initialRetryTime: 300, maxRetryTime: 30_000, retries: Number.MAX_SAFE_INTEGER };

/**
 * A kafkajs client whose logs go through Nest's logger: warnings and errors, retried broker errors at debug. `retry`
 * replaces the apps' patient default (a command line gives up sooner on a broker that is not there).
 */
export function createKafka(clientId: string, brokers: string, retry: RetryOptions = { initialRetryTime: 300, retries: 10 }): Kafka {
  const logger = new Logger(`kafkajs:${clientId}`);
  return new Kafka({
    clientId,
    brokers: brokers.split(','),
    logLevel: logLevel.WARN,
    retry,
    logCreator:
      () =>
      ({ level, log }: LogEntry) => {
        const { message, ...extra } = log;
        const line = `${message} ${JSON.stringify(extra)}`;
        if (isRetriedBrokerError(extra, String(message))) logger.debug(line);
        else if (level <= logLevel.ERROR) logger.error(line);
        else logger.warn(line);
      },
  });
}

/** A topic setting, as the broker takes it at creation (`retention.ms` = `-1`). */
export interface TopicSetting {
  name: string;
  value: string;
}

/**
 * Replication of the topics we create: three copies and `min.insync.replicas=2` where the cluster has three brokers or
 * more (an acks=all write then survives the loss of any one broker, and is refused rather than kept on one copy);
 * on a smaller cluster as many copies as brokers (the local stack's single broker: one).
 */
export function replicationFor(brokers: number): { replicationFactor: number; configEntries: { name: string; value: string }[] } {
  const replicationFactor = Math.max(1, Math.min(3, brokers));
  return { replicationFactor, configEntries: replicationFactor >= 3 ? [{ name: 'min.insync.replicas', value: '2' }] : [] };
}

/**
 * Creates whichever of `topics` are missing, with `partitions` partitions and the settings `settingsOf` gives each
 * (none: the broker's defaults) besides the replication of replicationFor, and waits until every partition has a leader. Returns the topics it created. Safe to
 * race with another process creating the same topics. An existing topic's settings are left as they are.
 */
export async function ensureTopics(
  admin: Admin,
  topics: string[],
  partitions: number,
  timeoutMs = 60_000,
  settingsOf: (topic: string) => readonly TopicSetting[] | undefined = () => undefined,
): Promise<string[]> {
  const existing = new Set(await admin.listTopics());
  const missing = topics.filter((t) => !existing.has(t));
  let created: string[] = [];
  if (missing.length > 0) {
    const { replicationFactor, configEntries } = replicationFor((await admin.describeCluster()).brokers.length);
    // Another instance may create them at the same moment: "already exists" is success.
    const done = await admin
      .createTopics({ waitForLeaders: false, topics: missing.map((topic) => ({ topic, numPartitions: partitions, replicationFactor, configEntries: [...configEntries, ...(settingsOf(topic) ?? [])] })) })
      .catch((e: Error) => (/already exists/i.test(e.message) ? false : Promise.reject(e)));
    if (done) created = missing;
  }
  // kafkajs' own waitForLeaders gives up on UNKNOWN_TOPIC_OR_PARTITION, which a KRaft broker answers for a
  // moment after creating a topic; wait for every partition to have a leader here instead.
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const metadata = await admin.fetchTopicMetadata({ topics }).catch(() => undefined);
    if (metadata && metadata.topics.length === topics.length && metadata.topics.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) {
      return created;
    }
    if (Date.now() > deadline) throw new Error(`topics ${topics.join(', ')} have no leader after ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
