import { Logger } from '@nestjs/common';
import { TOPICS, makeEvent, toMessage } from '@trace/contracts';
import { GraphWrite, GraphWriteRepository, graphWritesFor } from '@trace/genealogy';
import { IncomingBatch, TransientFailure } from './incoming-batch';
import { RecordEventsUseCase } from './record-events.use-case';

jest.mock('@trace/genealogy', () => {
  const actual = jest.requireActual('@trace/genealogy');
  return { ...actual, graphWritesFor: jest.fn(actual.graphWritesFor) };
});

const started = (serial: string) => makeEvent('UnitStarted', { serial, brand: 'Acme', productPartNumber: 'P1', workOrder: 'WO1' });

function batchOf(values: string[]): IncomingBatch {
  return {
    topic: TOPICS.production,
    brokerTopic: `x.${TOPICS.production}`,
    partition: 0,
    messages: values.map((v, i) => ({ offset: String(i), key: Buffer.from('SN'), value: Buffer.from(v), headers: {} })),
  };
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
  return { graph, useCase: new RecordEventsUseCase(graph as unknown as GraphWriteRepository) };
}

const mongoError = (name: string, code?: number) => Object.assign(new Error(`${name} ${code ?? ''}`), { name, code });
const writesUnit = (serial: string) => (writes: GraphWrite[]) => writes.some((w) => w.collection === 'units' && w.id === serial);

describe('RecordEventsUseCase', () => {
  beforeEach(() => jest.spyOn(Logger.prototype, 'warn').mockImplementation());
  afterEach(() => jest.restoreAllMocks());

  it('records the valid events in one bulk and returns each poison message with its reason', async () => {
    const { graph, useCase } = fakeGraph();
    const deep = JSON.stringify(started('SN-D')).replace('"workOrder":', `"extra":${'['.repeat(5_000)}${']'.repeat(5_000)},"workOrder":`);
    const result = await useCase.execute(
      batchOf([toMessage(started('SN-1')).value, deep, JSON.stringify({ ...started('SN-P'), type: '__proto__' }), toMessage(started('SN-2')).value]),
    );

    expect(result.recorded).toBe(2);
    expect(result.deadLetters.map((d) => [d.message.offset, d.reason])).toEqual([
      ['1', 'TOO_DEEP'],
      ['2', 'UNKNOWN_TYPE'],
    ]);
    expect(graph.apply).toHaveBeenCalledTimes(1);
    expect(graph.applied[0]!.map((w) => w.id)).toEqual(expect.arrayContaining(['SN-1', 'SN-2']));
  });

  it('makes a message whose mapping throws a dead letter, and records the others', async () => {
    jest.mocked(graphWritesFor).mockImplementationOnce(() => {
      throw new RangeError('Maximum call stack size exceeded');
    });
    const { useCase } = fakeGraph();
    const result = await useCase.execute(batchOf([toMessage(started('SN-1')).value, toMessage(started('SN-2')).value]));

    expect(result.recorded).toBe(1);
    expect(result.deadLetters).toHaveLength(1);
    expect(result.deadLetters[0]).toMatchObject({ reason: 'UNPROCESSABLE', message: { offset: '0' } });
    expect(result.deadLetters[0]!.errors[0]).toContain('RangeError: Maximum call stack size exceeded');
  });

  it('throws a TransientFailure when the database cannot take the batch now', async () => {
    const { useCase } = fakeGraph(() => mongoError('MongoServerSelectionError'));
    await expect(useCase.execute(batchOf([toMessage(started('SN-1')).value]))).rejects.toBeInstanceOf(TransientFailure);
  });

  it('sets aside only the event the database refuses, recording the others one at a time', async () => {
    const { graph, useCase } = fakeGraph((writes) => (writesUnit('SN-BAD')(writes) ? mongoError('MongoBulkWriteError', 57) : undefined));
    const result = await useCase.execute(batchOf([toMessage(started('SN-1')).value, toMessage(started('SN-BAD')).value, toMessage(started('SN-2')).value]));

    expect(result.recorded).toBe(2);
    expect(result.deadLetters).toMatchObject([{ reason: 'REJECTED_BY_DATABASE', message: { offset: '1' } }]);
    expect(graph.applied.map((writes) => writes.filter((w) => w.collection === 'units').map((w) => w.id))).toEqual([['SN-1'], ['SN-2']]);
  });

  it('throws the error itself, not a TransientFailure, when a write fails in a way it does not know', async () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'collection')");
    const { useCase } = fakeGraph(() => bug);
    await expect(useCase.execute(batchOf([toMessage(started('SN-1')).value]))).rejects.toBe(bug);
  });
});
