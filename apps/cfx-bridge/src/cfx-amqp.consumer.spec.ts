import { CFX_STATE_TOPIC, LineState } from './line-state/line-state';
import type { KafkaClients } from '@trace/platform';
import type { Producer } from 'kafkajs';
import type { EventContext } from 'rhea';
import { CFX_DEAD_LETTER_TOPIC } from '@trace/contracts';
import { CfxAmqpConsumer } from './cfx-amqp.consumer';
import { MapCfxMessage } from './map-cfx-message/map-cfx-message.use-case';

type Batch = { acks: number; topicMessages: { topic: string; messages: { key: string | null; value: Buffer | string | null; headers?: Record<string, string> }[] }[] };

/** A consumer over a fake Kafka whose sendBatch answers as `answer` says, and a fake AMQP delivery. */
function setup(answer: (call: number) => Promise<void>) {
  const batches: Batch[] = [];
  const producer = { sendBatch: jest.fn(async (batch: Batch) => { batches.push(batch); await answer(batches.length); }) } as unknown as Producer;
  const kafka = { producer: async () => producer, topicPrefix: 'p.' } as unknown as KafkaClients;
  const mapper = new MapCfxMessage({ vendorAliases: new Map(), workOrders: new Map([['WO-1', { brand: 'Acme', productPartNumber: 'GW' }]]) }, new LineState());
  const consumer = new CfxAmqpConsumer({ url: 'amqp://x', address: 'cfx', prefetch: 1, maxBackoffMs: 100 }, kafka, mapper);
  const accept = jest.fn();
  const addCredit = jest.fn();
  const context = (body: string) =>
    ({ message: { body: { typecode: 0x75, content: Buffer.from(body) }, message_id: 'm-1' }, delivery: { accept }, receiver: { add_credit: addCredit } }) as unknown as EventContext;
  return { consumer, batches, accept, addCredit, context };
}

const unitsInitialized = JSON.stringify({
  MessageName: 'CFX.Production.UnitsInitialized', TimeStamp: '2026-11-02T06:00:00-04:00', UniqueID: 'u-1', Source: 'line',
  MessageBody: { PrimaryIdentifier: 'B-1', WorkOrderIdentifier: { WorkOrderId: 'WO-1' } },
});

describe('CfxAmqpConsumer', () => {
  it('accepts the AMQP message only after Kafka acknowledged its events with acks=all', async () => {
    let acknowledge = (): void => undefined;
    const { consumer, batches, accept, addCredit, context } = setup(() => new Promise((resolve) => (acknowledge = resolve)));
    const relayed = consumer.relay(context(unitsInitialized));
    await new Promise((r) => setImmediate(r));
    expect(batches).toHaveLength(1);
    expect(batches[0].acks).toBe(-1);
    expect(batches[0].topicMessages[0].topic).toBe('p.trace.production.v1');
    expect(accept).not.toHaveBeenCalled();
    acknowledge();
    await relayed;
    expect(accept).toHaveBeenCalledTimes(1);
    expect(addCredit).toHaveBeenCalledWith(1);
  });

  it('keeps the message unaccepted while Kafka refuses, and retries until it takes the events', async () => {
    const { consumer, batches, accept, context } = setup(async (call) => {
      if (call < 3) throw new Error('broker down');
    });
    await consumer.relay(context(unitsInitialized));
    expect(batches).toHaveLength(3);
    expect(accept).toHaveBeenCalledTimes(1);
  });

  it('dead-letters bad CFX with the original bytes and the reason, then accepts it', async () => {
    const { consumer, batches, accept, context } = setup(async () => undefined);
    await consumer.relay(context('{not json'));
    expect(batches[0].topicMessages).toEqual([
      { topic: `p.${CFX_DEAD_LETTER_TOPIC}`, messages: [expect.objectContaining({ value: Buffer.from('{not json'), headers: expect.objectContaining({ 'dlq.reason': 'INVALID_JSON', 'dlq.amqp.message-id': 'm-1' }) })] },
    ]);
    expect(accept).toHaveBeenCalledTimes(1);
    expect(consumer.counts).toMatchObject({ messages: 1, events: 0, deadLetters: 1 });
  });

  it('produces the events of messages in hand in one batch and accepts each, in order, only after it', async () => {
    let acknowledge = (): void => undefined;
    const { consumer, batches, accept, addCredit, context } = setup(() => new Promise((resolve) => (acknowledge = resolve)));
    const second = unitsInitialized.replace('"u-1"', '"u-2"').replace('"B-1"', '"B-2"');
    const relayed = consumer.relayAll([context(unitsInitialized), context(second)]);
    await new Promise((r) => setImmediate(r));
    expect(batches).toHaveLength(1);
    expect(batches[0].topicMessages[0].messages.map((m) => JSON.parse(String(m.value)).data.serial)).toEqual(['B-1', 'B-2']);
    expect(accept).not.toHaveBeenCalled();
    acknowledge();
    await relayed;
    expect(accept).toHaveBeenCalledTimes(2);
    expect(addCredit).toHaveBeenCalledTimes(2);
    expect(consumer.counts).toMatchObject({ messages: 2, events: 2 });
  });

  it('writes what a message taught (a work order) to the state topic in the batch of the message it came with, before accepting', async () => {
    let acknowledge = (): void => undefined;
    const { consumer, batches, accept, context } = setup(() => new Promise((resolve) => (acknowledge = resolve)));
    const order = JSON.stringify({
      MessageName: 'CFX.InformationSystem.WorkOrderManagement.WorkOrdersCreated', TimeStamp: '2026-11-02T05:00:00-04:00', UniqueID: 'w-1', Source: 'mes',
      MessageBody: { NewOrders: [{ WorkOrderIdentifier: { WorkOrderId: 'WO-9' }, Customer: 'Globex', PartNumber: 'GX-7' }] },
    });
    const unit = unitsInitialized.replace('"WO-1"', '"WO-9"');
    const relayed = consumer.relayAll([context(order), context(unit)]);
    await new Promise((r) => setImmediate(r));
    const byTopic = Object.fromEntries(batches[0].topicMessages.map((t) => [t.topic, t.messages]));
    expect(byTopic[`p.${CFX_STATE_TOPIC}`]).toEqual([expect.objectContaining({ key: 'work-order:WO-9', value: expect.stringContaining('"brand":"Globex"') })]);
    expect(byTopic['p.trace.production.v1'].map((m) => JSON.parse(String(m.value)).data)).toEqual([expect.objectContaining({ serial: 'B-1', brand: 'Globex', productPartNumber: 'GX-7' })]);
    expect(accept).not.toHaveBeenCalled();
    acknowledge();
    await relayed;
    expect(accept).toHaveBeenCalledTimes(2);
    expect(consumer.counts).toMatchObject({ messages: 2, events: 1, stateRecords: 1 });
  });

  it('reads its state back before it connects to the broker, and does not start without it', async () => {
    const order: string[] = [];
    const kafka = { producer: async () => order.push('kafka'), topicPrefix: '' } as unknown as KafkaClients;
    const store = { load: jest.fn(async () => {
      order.push('state');
      throw new Error('trace.cfx-state.v1 not read to its end within 60000 ms');
    }) };
    const consumer = new CfxAmqpConsumer({ url: 'amqp://127.0.0.1:1', address: 'cfx', prefetch: 1, maxBackoffMs: 100 }, kafka, new MapCfxMessage({ vendorAliases: new Map(), workOrders: new Map() }, new LineState()), store);
    await expect(consumer.start()).rejects.toThrow('not read to its end');
    expect(order).toEqual(['kafka', 'state']);
    expect((consumer as unknown as { connection?: unknown }).connection).toBeUndefined();
  });
});
