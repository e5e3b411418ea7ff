import { Logger } from '@nestjs/common';
import { createKafka, isRetriedBrokerError, replicationFor } from './kafka-client';
import { KafkaClients } from './kafka.module';

describe('the Kafka client of every app', () => {
  it('creates topics with three copies and min.insync.replicas=2 on three brokers or more, one copy per broker below', () => {
    expect(replicationFor(1)).toEqual({ replicationFactor: 1, configEntries: [] });
    expect(replicationFor(2)).toEqual({ replicationFactor: 2, configEntries: [] });
    expect(replicationFor(3)).toEqual({ replicationFactor: 3, configEntries: [{ name: 'min.insync.replicas', value: '2' }] });
    expect(replicationFor(7)).toEqual({ replicationFactor: 3, configEntries: [{ name: 'min.insync.replicas', value: '2' }] });
  });

  it('treats the broker errors kafkajs retries by itself as expected, and nothing else', () => {
    expect(isRetriedBrokerError({ error: 'This server is not the leader for that topic-partition' })).toBe(true);
    expect(isRetriedBrokerError({ error: 'This server does not host this topic-partition' })).toBe(true);
    expect(isRetriedBrokerError({ error: 'The group coordinator is not available' })).toBe(true);
    expect(isRetriedBrokerError({ error: 'Not authorized to access topics: [Topic authorization failed]' })).toBe(false);
    expect(isRetriedBrokerError({ error: 'The request included a message larger than the max message size the server will accept' })).toBe(false);
    expect(isRetriedBrokerError({ error: 'The group is rebalancing, so a rejoin is needed' })).toBe(true);
    expect(isRetriedBrokerError({ retryCount: 0 }, 'Failed to send messages: This server is not the leader for that topic-partition')).toBe(true);
    expect(isRetriedBrokerError({ retryCount: 0 }, 'Failed to send messages: Topic authorization failed')).toBe(false);
    expect(isRetriedBrokerError({})).toBe(false);
  });

  it('logs a retried leader election at debug and a real failure at error, through the Nest logger', () => {
    const debug = jest.spyOn(Logger.prototype, 'debug').mockImplementation(() => undefined);
    const error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    try {
      const kafka = createKafka('spec', '127.0.0.1:1');
      const log = (kafka as unknown as { logger(): { error(m: string, e: object): void } }).logger();
      log.error('Response Produce(key: 0, version: 7)', { error: 'This server is not the leader for that topic-partition' });
      log.error('Crash: KafkaJSNumberOfRetriesExceeded', { error: 'Connection error: connect ECONNREFUSED' });
      expect(debug).toHaveBeenCalledTimes(1);
      expect(error).toHaveBeenCalledTimes(1);
      expect(String(error.mock.calls[0]![0])).toContain('KafkaJSNumberOfRetriesExceeded');
    } finally {
      debug.mockRestore();
      error.mockRestore();
    }
  });
});

describe("the apps' idempotent producer", () => {
  it('retries without limit, so kafkajs has no "may invalidate EoS guarantees" to warn about', () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    try {
      const clients = new KafkaClients({ clientId: 'spec', brokers: '127.0.0.1:1', topicPrefix: '' }); // the producer is made, not connected
      expect(clients.topic('t')).toBe('t');
      expect(warn.mock.calls.map(([line]) => String(line))).not.toContainEqual(expect.stringMatching(/Limiting retries/));
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });
});
