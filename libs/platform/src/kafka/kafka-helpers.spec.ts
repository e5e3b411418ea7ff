import type { Admin, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { consumerLag, perishableTopics, produceByTopic, readTopicToEnd } from './kafka-helpers';
import { TRACE_TOPIC_SETTINGS, topicSettingsOf } from '../topics';

describe('produceByTopic', () => {
  it('sends every message in one request, grouped by prefixed topic, in order, with acks from all in-sync replicas', async () => {
    const sendBatch = jest.fn(() => Promise.resolve([]));
    await produceByTopic(
      { sendBatch } as unknown as Producer,
      [
        { topic: 'trace.lot.v1', key: 'L1', value: 'a' },
        { topic: 'trace.vendor.v1', key: 'V1', value: 'b', headers: { 'correlation-id': 'c1' } },
        { topic: 'trace.lot.v1', key: 'L2', value: 'c' },
      ],
      'site1.',
    );
    expect(sendBatch).toHaveBeenCalledTimes(1);
    expect(sendBatch).toHaveBeenCalledWith({
      acks: -1,
      topicMessages: [
        { topic: 'site1.trace.lot.v1', messages: [{ key: 'L1', value: 'a' }, { key: 'L2', value: 'c' }] },
        { topic: 'site1.trace.vendor.v1', messages: [{ key: 'V1', value: 'b', headers: { 'correlation-id': 'c1' } }] },
      ],
    });
  });

  it('sends nothing for no messages', async () => {
    const sendBatch = jest.fn();
    await produceByTopic({ sendBatch } as unknown as Producer, []);
    expect(sendBatch).not.toHaveBeenCalled();
  });
});

describe('consumerLag', () => {
  it('counts end minus committed per partition, and from the low watermark where the group never committed', async () => {
    const admin = {
      fetchTopicOffsets: jest.fn((topic: string) =>
        Promise.resolve(
          topic === 'a'
            ? [
                { partition: 0, low: '0', high: '10', offset: '10' },
                { partition: 1, low: '4', high: '9', offset: '9' },
              ]
            : [{ partition: 0, low: '0', high: '3', offset: '3' }],
        ),
      ),
      fetchOffsets: jest.fn(() =>
        Promise.resolve([
          { topic: 'a', partitions: [{ partition: 0, offset: '7', metadata: null }, { partition: 1, offset: '-1', metadata: null }] },
          { topic: 'b', partitions: [{ partition: 0, offset: '3', metadata: null }] },
        ]),
      ),
    } as unknown as Admin;
    const lag = await consumerLag(admin, 'ingest', ['a', 'b']);
    expect(lag.total).toBe(3 + 5 + 0);
    expect(lag.partitions).toEqual([
      { topic: 'a', partition: 0, lag: 3, committed: 7, end: 10 },
      { topic: 'a', partition: 1, lag: 5, committed: 4, end: 9 },
      { topic: 'b', partition: 0, lag: 0, committed: 3, end: 3 },
    ]);
  });
});

describe('readTopicToEnd', () => {
  const message = (offset: number): KafkaMessage => ({ offset: String(offset), key: null, value: Buffer.from(`m${offset}`), timestamp: '0', attributes: 0, headers: {} });
  /** A topic whose partitions hold `delivered` (some past the end asked for first: produced after the call). */
  const topicOf = (ends: Record<number, number>, delivered: [number, number][]) => {
    const consumer = {
      connect: jest.fn(() => Promise.resolve()),
      subscribe: jest.fn(() => Promise.resolve()),
      disconnect: jest.fn(() => Promise.resolve()),
      run: jest.fn(async ({ eachMessage }: { eachMessage: (p: { partition: number; message: KafkaMessage }) => Promise<void> }) => {
        for (const [partition, offset] of delivered) await eachMessage({ partition, message: message(offset) });
      }),
    };
    const admin = { fetchTopicOffsets: jest.fn(() => Promise.resolve(Object.entries(ends).map(([p, high]) => ({ partition: Number(p), high: String(high), low: '0', offset: String(high) })))) };
    return { consumer, admin, kafka: { consumer: jest.fn(() => consumer) } as unknown as Kafka };
  };

  it('returns the messages up to the end offsets at the call, from every partition, and leaves its group', async () => {
    const { kafka, admin, consumer } = topicOf({ 0: 2, 1: 1, 2: 0 }, [[0, 0], [1, 0], [1, 1], [0, 1], [0, 2]]);
    const read = await readTopicToEnd(kafka, admin as unknown as Admin, 't', 'reader-1');
    expect(read.map((m) => m.offset)).toEqual(['0', '0', '1']);
    expect(kafka.consumer).toHaveBeenCalledWith({ groupId: 'reader-1' });
    expect(consumer.disconnect).toHaveBeenCalled();
  });

  it('reads nothing, with no consumer, from an empty topic', async () => {
    const { kafka, admin } = topicOf({ 0: 0 }, []);
    expect(await readTopicToEnd(kafka, admin as unknown as Admin, 't', 'reader-2')).toEqual([]);
    expect(kafka.consumer).not.toHaveBeenCalled();
  });

  it('rejects when the end is not reached in time', async () => {
    const { kafka, admin, consumer } = topicOf({ 0: 5 }, [[0, 0]]);
    await expect(readTopicToEnd(kafka, admin as unknown as Admin, 't', 'reader-3', 50)).rejects.toThrow('t not read to its end within 50 ms: 1 read');
    expect(consumer.disconnect).toHaveBeenCalled();
  });
});

describe('perishableTopics', () => {
  const entry = (configName: string, configValue: string) => ({ configName, configValue, isDefault: false, configSource: 1, isSensitive: false, readOnly: false });
  const adminOf = (topics: Record<string, [string, string][]>) => {
    const describeConfigs = jest.fn(() =>
      Promise.resolve({ throttleTime: 0, resources: Object.entries(topics).map(([resourceName, entries]) => ({ resourceName, resourceType: 2, errorCode: 0, errorMessage: null, configEntries: entries.map(([n, v]) => entry(n, v)) })) }),
    );
    return { describeConfigs } as unknown as Pick<Admin, 'describeConfigs'> & { describeConfigs: jest.Mock };
  };

  it('names each topic the broker may delete or compact records of, with the settings that let it, and no other', async () => {
    const admin = adminOf({
      forever: [['retention.ms', '-1'], ['retention.bytes', '-1'], ['cleanup.policy', 'delete']],
      week: [['retention.ms', '604800000'], ['retention.bytes', '-1'], ['cleanup.policy', 'delete']],
      sized: [['retention.ms', '-1'], ['retention.bytes', '1073741824'], ['cleanup.policy', 'delete']],
      compacted: [['retention.ms', '-1'], ['retention.bytes', '-1'], ['cleanup.policy', 'compact,delete']],
    });
    expect(await perishableTopics(admin, ['forever', 'week', 'sized', 'compacted'])).toEqual([
      { topic: 'week', settings: ['retention.ms=604800000'] },
      { topic: 'sized', settings: ['retention.bytes=1073741824'] },
      { topic: 'compacted', settings: ['cleanup.policy=compact,delete'] },
    ]);
    expect(admin.describeConfigs).toHaveBeenCalledTimes(1);
  });

  it('asks nothing for no topics', async () => {
    const admin = adminOf({});
    expect(await perishableTopics(admin, [])).toEqual([]);
    expect(admin.describeConfigs).not.toHaveBeenCalled();
  });
});

describe('topicSettingsOf', () => {
  it('gives the trace topics under the prefix unlimited retention and no compaction, and the dead-letter topic the broker defaults', () => {
    const settingsOf = topicSettingsOf('site1.');
    expect(settingsOf('site1.trace.production.v1')).toEqual(TRACE_TOPIC_SETTINGS);
    expect(TRACE_TOPIC_SETTINGS).toEqual(expect.arrayContaining([{ name: 'retention.ms', value: '-1' }, { name: 'retention.bytes', value: '-1' }, { name: 'cleanup.policy', value: 'delete' }]));
    expect(settingsOf('site1.trace.deadletter.v1')).toBeUndefined();
    expect(settingsOf('trace.production.v1')).toBeUndefined();
  });
});
