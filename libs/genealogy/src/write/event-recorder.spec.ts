import { Logger } from '@nestjs/common';
import { TOPICS, TraceEvent, makeEvent } from '@trace/contracts';
import { EventRecorder } from './event-recorder';
import type { GraphWriteRepository } from './graph-write.repository';
import { GraphWrite, PositionedEvent, graphWritesFor } from './graph-writes';
import { TransientFailure } from './transient-failure';

jest.mock('./graph-writes', () => {
  const actual = jest.requireActual('./graph-writes');
  return { ...actual, graphWritesFor: jest.fn(actual.graphWritesFor) };
});

const started = (serial: string) => makeEvent('UnitStarted', { serial, brand: 'Acme', productPartNumber: 'P1', workOrder: 'WO1' });

function batchOf(events: TraceEvent[]): PositionedEvent[] {
  return events.map((event, i) => ({ event, position: { topic: TOPICS.production, partition: 0, offset: String(i) } }));
}

/** A graph that keeps what it was given, and fails a write of a unit as `failFor` says. */
function fakeGraph(failFor: (writes: GraphWrite[]) => unknown = () => undefined) {
  const applied: GraphWrite[][] = [];
  const graph = {
    applied,
    apply: jest.fn(async (writes: GraphWrite[]) => {
      const failure = failFor(writes);
      if (failure) throw failure;
      applied.push(writes);
    }),
  };
  return { graph, recorder: new EventRecorder(graph as unknown as GraphWriteRepository) };
}

const mongoError = (name: string, code?: number) => Object.assign(new Error(`${name} ${code ?? ''}`), { name, code });
const writesUnit = (serial: string) => (writes: GraphWrite[]) => writes.some((w) => w.collection === 'units' && w.id === serial);

describe('EventRecorder', () => {
  beforeEach(() => jest.spyOn(Logger.prototype, 'warn').mockImplementation());
  afterEach(() => jest.restoreAllMocks());

  it('records the events in one bulk', async () => {
    const { graph, recorder } = fakeGraph();
    const result = await recorder.record(batchOf([started('SN-1'), started('SN-2')]));

    expect(result).toEqual({ recorded: 2, refused: [] });
    expect(graph.apply).toHaveBeenCalledTimes(1);
    expect(graph.applied[0]!.map((w) => w.id)).toEqual(expect.arrayContaining(['SN-1', 'SN-2']));
  });

  it('refuses an event whose mapping throws, and records the others', async () => {
    jest.mocked(graphWritesFor).mockImplementationOnce(() => {
      throw new RangeError('Maximum call stack size exceeded');
    });
    const { recorder } = fakeGraph();
    const result = await recorder.record(batchOf([started('SN-1'), started('SN-2')]));

    expect(result.recorded).toBe(1);
    expect(result.refused).toHaveLength(1);
    expect(result.refused[0]).toMatchObject({ reason: 'UNPROCESSABLE', position: { offset: '0' } });
    expect(result.refused[0]!.errors[0]).toContain('RangeError: Maximum call stack size exceeded');
  });

  it('throws a TransientFailure when the database cannot take the batch now', async () => {
    const { recorder } = fakeGraph(() => mongoError('MongoServerSelectionError'));
    await expect(recorder.record(batchOf([started('SN-1')]))).rejects.toBeInstanceOf(TransientFailure);
  });

  it('sets aside only the event the database refuses, recording the others one at a time', async () => {
    const { graph, recorder } = fakeGraph((writes) => (writesUnit('SN-BAD')(writes) ? mongoError('MongoBulkWriteError', 57) : undefined));
    const result = await recorder.record(batchOf([started('SN-1'), started('SN-BAD'), started('SN-2')]));

    expect(result.recorded).toBe(2);
    expect(result.refused).toMatchObject([{ reason: 'REJECTED_BY_DATABASE', position: { offset: '1' } }]);
    expect(graph.applied.map((writes) => writes.filter((w) => w.collection === 'units').map((w) => w.id))).toEqual([['SN-1'], ['SN-2']]);
  });

  it('throws the error itself, not a TransientFailure, when a write fails in a way it does not know', async () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'collection')");
    const { graph, recorder } = fakeGraph(() => bug);
    await expect(recorder.record(batchOf([started('SN-1'), started('SN-2')]))).rejects.toBe(bug);
    expect(graph.apply).toHaveBeenCalledTimes(1); // thrown from the bulk, not retried event by event
  });
});
