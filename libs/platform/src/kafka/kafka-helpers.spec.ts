import type { Admin, Producer } from 'kafkajs';
import { consumerLag, produceByTopic } from './kafka-helpers';

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
