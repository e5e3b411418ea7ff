import { makeEvent } from '@trace/contracts';
import type { KafkaClients } from '@trace/platform';
import { PUBLISH_DEADLINE_MS, PublishTimeoutError, TraceEventProducer } from './trace-event.producer';
import { unavailableCheck } from './unavailable.filter';

describe('TraceEventProducer', () => {
  const event = makeEvent('UnitStarted', { serial: 'SN-1', brand: 'Acme', productPartNumber: 'P-1', workOrder: 'WO-1' });
  const withSend = (sendBatch: () => Promise<unknown>) => new TraceEventProducer({ topicPrefix: '', producer: () => Promise.resolve({ sendBatch }) } as unknown as KafkaClients);

  afterEach(() => jest.useRealTimers());

  it('answers a send kafkajs keeps retrying (its idempotent retries have no limit) with a 503 at PUBLISH_DEADLINE_MS', async () => {
    jest.useFakeTimers();
    const published = withSend(() => new Promise(() => undefined)).publish([event], 'c-1');
    const outcome = published.then(
      () => 'published',
      (error: unknown) => error,
    );
    await jest.advanceTimersByTimeAsync(PUBLISH_DEADLINE_MS - 1);
    expect(await Promise.race([outcome, Promise.resolve('waiting')])).toBe('waiting');
    await jest.advanceTimersByTimeAsync(1);
    const error = await outcome;
    expect(error).toBeInstanceOf(PublishTimeoutError);
    expect(unavailableCheck(error)).toBe('broker');
  });

  it('resolves once the broker acknowledged, leaving no timer behind', async () => {
    jest.useFakeTimers();
    await withSend(() => Promise.resolve([])).publish([event], 'c-1');
    expect(jest.getTimerCount()).toBe(0);
  });
});
