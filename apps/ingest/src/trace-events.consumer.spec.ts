import { TOPICS, makeEvent, toMessage } from '@trace/contracts';
import { IncomingBatch } from './incoming-batch';
import { RecordEventsCommand, RecordEventsResult, RecordEventsUseCase } from './record-events.use-case';
import { TraceEventsConsumer, eventsOf } from './trace-events.consumer';

const started = (serial: string) => makeEvent('UnitStarted', { serial, brand: 'Acme', productPartNumber: 'P1', workOrder: 'WO1' });

function batchOf(values: string[]): IncomingBatch {
  return {
    topic: TOPICS.production,
    brokerTopic: `x.${TOPICS.production}`,
    partition: 3,
    messages: values.map((v, i) => ({ offset: String(i), key: Buffer.from('SN'), value: Buffer.from(v), headers: {} })),
  };
}

const deep = JSON.stringify(started('SN-D')).replace('"workOrder":', `"extra":${'['.repeat(5_000)}${']'.repeat(5_000)},"workOrder":`);
const unknownType = JSON.stringify({ ...started('SN-P'), type: '__proto__' });

describe('TraceEventsConsumer', () => {
  it('hands the use case the valid events with their positions, and each poison message back with its reason', () => {
    const { events, deadLetters } = eventsOf(batchOf([toMessage(started('SN-1')).value, deep, unknownType, toMessage(started('SN-2')).value]));

    expect(events.map((e) => [e.event.eventId, e.position])).toEqual([
      [expect.any(String), { topic: TOPICS.production, partition: 3, offset: '0' }],
      [expect.any(String), { topic: TOPICS.production, partition: 3, offset: '3' }],
    ]);
    expect(deadLetters.map((d) => [d.message.offset, d.reason])).toEqual([
      ['1', 'TOO_DEEP'],
      ['2', 'UNKNOWN_TYPE'],
    ]);
  });

  it('dead-letters the poison and the refused events in message order, those the database refused last', async () => {
    const execute = jest.fn(async ({ events }: RecordEventsCommand): Promise<RecordEventsResult> => ({
      recorded: 1,
      refused: [
        { position: events[2]!.position, reason: 'REJECTED_BY_DATABASE', errors: ['refused'] },
        { position: events[1]!.position, reason: 'UNPROCESSABLE', errors: ['mapping'] },
      ],
    }));
    const consumer = new TraceEventsConsumer({ execute } as unknown as RecordEventsUseCase);
    const values = [toMessage(started('SN-1')).value, toMessage(started('SN-2')).value, deep, toMessage(started('SN-3')).value];

    const result = await consumer.production(batchOf(values));

    expect(execute).toHaveBeenCalledTimes(1);
    expect(result.recorded).toBe(1);
    expect(result.deadLetters.map((d) => [d.message.offset, d.reason])).toEqual([
      ['1', 'UNPROCESSABLE'],
      ['2', 'TOO_DEEP'],
      ['3', 'REJECTED_BY_DATABASE'],
    ]);
    expect(result.deadLetters[0]!.message.value!.toString()).toBe(values[1]);
  });
});
