import { TOPICS, makeEvent, toMessage } from '@trace/contracts';
import { IncomingBatch } from './incoming-batch';
import { RecordEventsCommand, RecordEventsResult, RecordEventsUseCase } from './record-events.use-case';
import { Slots } from './slots';
import { SLICE_MESSAGES, TraceEventsConsumer, eventsOf, recordInSlices } from './trace-events.consumer';

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

  it('dead-letters the poison of every slice in message order and counts the recorded events by type when the database refused none', async () => {
    const execute = jest.fn(async ({ events }: RecordEventsCommand): Promise<RecordEventsResult> => ({ recorded: events.length, refused: [] }));
    const consumer = new TraceEventsConsumer({ execute } as unknown as RecordEventsUseCase);
    const values = Array.from({ length: SLICE_MESSAGES + 3 }, (_, i) => (i === 2 || i === SLICE_MESSAGES + 1 ? deep : i === SLICE_MESSAGES ? unknownType : toMessage(started(`SN-N${i}`)).value));

    const result = await consumer.production(batchOf(values));

    expect(execute).toHaveBeenCalledTimes(2);
    expect(result.recorded).toBe(SLICE_MESSAGES);
    expect(result.recordedByType).toEqual({ UnitStarted: SLICE_MESSAGES });
    expect(result.deadLetters.map((d) => [d.message.offset, d.reason])).toEqual([
      ['2', 'TOO_DEEP'],
      [String(SLICE_MESSAGES), 'UNKNOWN_TYPE'],
      [String(SLICE_MESSAGES + 1), 'TOO_DEEP'],
    ]);
  });

  it('records a large batch in slices, never more at once than its slots, and dead-letters across slices in message order, the database refusals last', async () => {
    let inFlight = 0;
    let most = 0;
    const sizes: number[] = [];
    // Each slice but the last is held until a second is in flight, so the test sees the slots used, whatever the timing.
    const held: (() => void)[] = [];
    const execute = jest.fn(async ({ events }: RecordEventsCommand): Promise<RecordEventsResult> => {
      sizes.push(events.length);
      most = Math.max(most, ++inFlight);
      if (events.length === 500) held.splice(0).forEach((go) => go());
      else if (inFlight === 2) held.splice(0).forEach((go) => go());
      else await new Promise<void>((resolve) => held.push(resolve));
      inFlight--;
      // The first slice's database refuses its first event.
      return { recorded: events.length - (events[0]!.position.offset === '0' ? 1 : 0), refused: events[0]!.position.offset === '0' ? [{ position: events[0]!.position, reason: 'REJECTED_BY_DATABASE', errors: ['refused'] }] : [] };
    });
    const values = Array.from({ length: 2 * SLICE_MESSAGES + 500 }, (_, i) => (i === SLICE_MESSAGES + 7 ? unknownType : toMessage(started(`SN-${i}`)).value));
    const batch = batchOf(values);

    const slices = await recordInSlices(batch, new Slots(2), (events) => execute({ events }));
    const result = await new TraceEventsConsumer({ execute } as unknown as RecordEventsUseCase).production(batch);

    expect(slices.map((s) => s.events.length + s.deadLetters.length)).toEqual([SLICE_MESSAGES, SLICE_MESSAGES, 500]);
    expect(sizes.slice(0, 3)).toEqual([SLICE_MESSAGES, SLICE_MESSAGES - 1, 500]);
    expect(most).toBe(2);
    expect(result.recorded).toBe(values.length - 2);
    expect(result.deadLetters.map((d) => [d.message.offset, d.reason])).toEqual([
      [String(SLICE_MESSAGES + 7), 'UNKNOWN_TYPE'],
      ['0', 'REJECTED_BY_DATABASE'],
    ]);
  });

  it('records an event sent twice (a retried send) at its last offset when the copies fall in two slices, whichever slice the database answers first', async () => {
    // The graph as a fake: the provenance an event ends with is the offset of the copy whose write landed last.
    const provenance = new Map<string, string>();
    const record = async (events: { event: { eventId: string }; position: { offset: string } }[]): Promise<RecordEventsResult> => {
      // The first slice is the slow one: its writes land after the second's unless the second waits for it.
      if (events[0]!.position.offset === '0') await new Promise((resolve) => setTimeout(resolve, 50));
      for (const e of events) provenance.set(e.event.eventId, e.position.offset);
      return { recorded: events.length, refused: [] };
    };
    const twice = toMessage(started('SN-TWICE')).value;
    const values = Array.from({ length: 2 * SLICE_MESSAGES }, (_, i) => (i === 3 || i === SLICE_MESSAGES + 5 ? twice : toMessage(started(`SN-T${i}`)).value));
    const twiceId = (JSON.parse(twice) as { eventId: string }).eventId;

    await recordInSlices(batchOf(values), new Slots(2), record);

    // As recorded one message after another (and as the rebuild from the topics records it): the later copy wins.
    expect(provenance.get(twiceId)).toBe(String(SLICE_MESSAGES + 5));
  });

  it('keeps slices that share no event side by side', async () => {
    let inFlight = 0;
    let most = 0;
    // A slice's recording lasts until a second one is in flight (or 2 s): a fixed 20 ms was shorter than validating the
    // next slice on a loaded machine, and the test failed with the code right.
    let together!: () => void;
    const second = new Promise<void>((resolve) => (together = resolve));
    const record = async (events: unknown[]): Promise<RecordEventsResult> => {
      most = Math.max(most, ++inFlight);
      if (inFlight > 1) together();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([second, new Promise((resolve) => (timer = setTimeout(resolve, 2_000)))]);
      clearTimeout(timer);
      inFlight--;
      return { recorded: events.length, refused: [] };
    };

    await recordInSlices(batchOf(Array.from({ length: 3 * SLICE_MESSAGES }, (_, i) => toMessage(started(`SN-S${i}`)).value)), new Slots(3), record);

    expect(most).toBeGreaterThan(1);
  });

  it('validates the next slice while one waits for a recording slot, so a slot that frees finds a slice ready', async () => {
    const read = new Set<string>();
    const batch = batchOf(Array.from({ length: 3 * SLICE_MESSAGES }, (_, i) => toMessage(started(`SN-V${i}`)).value));
    // Each message notes when validation reads its bytes.
    for (const m of batch.messages) {
      const value = m.value;
      Object.defineProperty(m, 'value', { get: () => (read.add(m.offset), value) });
    }
    let firstRecorded!: () => void;
    const holdFirst = new Promise<void>((resolve) => (firstRecorded = resolve));
    const record = jest.fn(async (events: { position: { offset: string } }[]): Promise<RecordEventsResult> => {
      if (events[0]!.position.offset === '0') await holdFirst;
      return { recorded: events.length, refused: [] };
    });

    const recording = recordInSlices(batch, new Slots(1), record);
    // Slice 1 holds the one slot, slice 2 waits for it; slice 3 is validated meanwhile.
    for (let turn = 0; turn < 200 && !read.has(String(3 * SLICE_MESSAGES - 1)); turn++) await new Promise((resolve) => setImmediate(resolve));
    const readWhileHeld = read.size;
    const recordedWhileHeld = record.mock.calls.length;
    firstRecorded();
    await recording;

    expect(recordedWhileHeld).toBe(1);
    expect(readWhileHeld).toBe(3 * SLICE_MESSAGES);
    expect(record).toHaveBeenCalledTimes(3);
  });

  it('starts no slice after one failed, lets those in flight end, then throws the failure (the transport retries the whole batch)', async () => {
    const ended: string[] = [];
    let secondStarted!: () => void;
    const second = new Promise<void>((resolve) => (secondStarted = resolve));
    const record = jest.fn(async (events: { position: { offset: string } }[]): Promise<RecordEventsResult> => {
      const first = events[0]!.position.offset;
      if (first === '0') {
        await second; // fails once the second slice is in flight
        ended.push(first);
        throw new Error('database down');
      }
      secondStarted();
      await new Promise((resolve) => setTimeout(resolve, 50));
      ended.push(first);
      return { recorded: events.length, refused: [] };
    });
    const batch = batchOf(Array.from({ length: 4 * SLICE_MESSAGES }, (_, i) => toMessage(started(`SN-${i}`)).value));

    await expect(recordInSlices(batch, new Slots(2), record)).rejects.toThrow('database down');

    // Slices 1 and 2 started together; slice 1 failed, so slice 3 never started, and slice 2 ended before the throw.
    expect(record).toHaveBeenCalledTimes(2);
    expect(ended).toEqual(['0', String(SLICE_MESSAGES)]);
  });
});
