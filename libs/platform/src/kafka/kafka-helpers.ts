import { ConfigResourceTypes, type Admin, type Kafka, type KafkaMessage, type Producer } from 'kafkajs';

/** A message to produce, to a topic named without the deployment's prefix. */
export interface OutgoingMessage {
  topic: string;
  key: string | null;
  value: string | Buffer | null;
  headers?: Record<string, string>;
}

/**
 * Produces `messages` in one request per call (kafkajs groups them by topic), each topic prefixed, and resolves once
 * every message is acknowledged by all in-sync replicas (`acks: -1`), the only acknowledgement this service relies on.
 */
export async function produceByTopic(producer: Producer, messages: readonly OutgoingMessage[], topicPrefix = ''): Promise<void> {
  if (messages.length === 0) return;
  const byTopic = new Map<string, { key: string | null; value: string | Buffer | null; headers?: Record<string, string> }[]>();
  for (const { topic, ...message } of messages) {
    const list = byTopic.get(topic);
    if (list) list.push(message);
    else byTopic.set(topic, [message]);
  }
  await producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, list]) => ({ topic: topicPrefix + topic, messages: list })) });
}

/** How far a consumer group is behind the end of each partition of `topics`. */
export interface ConsumerLag {
  /** Messages not yet committed by the group, over every partition. */
  total: number;
  partitions: { topic: string; partition: number; lag: number; committed: number; end: number }[];
}

/**
 * The group's lag on `topics`: end offset minus committed offset per partition. A partition the group never committed
 * counts from its low watermark (everything still there is still to be consumed).
 */
export async function consumerLag(admin: Admin, groupId: string, topics: readonly string[]): Promise<ConsumerLag> {
  const [ends, committed] = await Promise.all([
    Promise.all(topics.map(async (topic) => ({ topic, partitions: await admin.fetchTopicOffsets(topic) }))),
    admin.fetchOffsets({ groupId, topics: [...topics] }),
  ]);
  const committedOf = new Map(committed.flatMap((t) => t.partitions.map((p) => [`${t.topic}\u0000${p.partition}`, Number(p.offset)] as const)));
  const partitions = ends.flatMap(({ topic, partitions: ps }) =>
    ps.map((p) => {
      const c = committedOf.get(`${topic}\u0000${p.partition}`);
      const done = c !== undefined && c >= 0 ? c : Number(p.low);
      const end = Number(p.high);
      return { topic, partition: p.partition, lag: Math.max(0, end - done), committed: done, end };
    }),
  );
  return { total: partitions.reduce((sum, p) => sum + p.lag, 0), partitions };
}

/**
 * Reads `topic` from its start to the end offsets it has when called, so it returns exactly the messages produced
 * before the call (in the order they arrived, partitions interleaved), through a consumer of the throwaway group
 * `groupId`. Rejects if the end is not reached within `timeoutMs`.
 */
export async function readTopicToEnd(kafka: Pick<Kafka, 'consumer'>, admin: Pick<Admin, 'fetchTopicOffsets'>, topic: string, groupId: string, timeoutMs = 60_000): Promise<KafkaMessage[]> {
  const ends = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.high)]));
  const pending = new Set([...ends].filter(([, high]) => high > 0).map(([partition]) => partition));
  const seen: KafkaMessage[] = [];
  if (pending.size === 0) return seen;
  const consumer = kafka.consumer({ groupId });
  let reachedEnd!: () => void;
  const done = new Promise<void>((resolve) => (reachedEnd = resolve));
  let timer: NodeJS.Timeout | undefined;
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        const end = ends.get(partition) ?? 0;
        if (Number(message.offset) < end) seen.push(message);
        if (Number(message.offset) + 1 >= end && pending.delete(partition) && pending.size === 0) reachedEnd();
      },
    });
    await Promise.race([
      done,
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`${topic} not read to its end within ${timeoutMs} ms: ${seen.length} read`)), timeoutMs))),
    ]);
    return seen;
  } finally {
    clearTimeout(timer);
    await consumer.disconnect();
  }
}

/** A topic whose records the broker may delete or compact, with the settings that let it (`name=value`). */
export interface PerishableTopic {
  topic: string;
  settings: string[];
}

/**
 * The topics among `topics` whose records the broker may delete (a finite `retention.ms` or `retention.bytes`) or
 * compact (`cleanup.policy` with `compact`), asked of the broker in one request: the effective values, whether set on
 * the topic or inherited from the broker's defaults.
 */
export async function perishableTopics(admin: Pick<Admin, 'describeConfigs'>, topics: readonly string[]): Promise<PerishableTopic[]> {
  if (topics.length === 0) return [];
  const { resources } = await admin.describeConfigs({
    includeSynonyms: false,
    resources: topics.map((name) => ({ type: ConfigResourceTypes.TOPIC, name, configNames: ['retention.ms', 'retention.bytes', 'cleanup.policy'] })),
  });
  return resources.flatMap(({ resourceName, configEntries }) => {
    const value = (name: string) => configEntries.find((e) => e.configName === name)?.configValue;
    const settings = [
      ...['retention.ms', 'retention.bytes'].filter((name) => Number(value(name) ?? -1) >= 0).map((name) => `${name}=${value(name)!}`),
      ...(/compact/.test(value('cleanup.policy') ?? '') ? [`cleanup.policy=${value('cleanup.policy')!}`] : []),
    ];
    return settings.length > 0 ? [{ topic: resourceName, settings }] : [];
  });
}
