import type { Admin, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { consumerLag, produceByTopic, readTopicToEnd } from './kafka-helpers';

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
