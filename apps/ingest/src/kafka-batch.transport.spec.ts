import { Logger } from '@nestjs/common';
import { CORRELATION_ID_HEADER, DEAD_LETTER_HEADERS, TOPICS } from '@trace/contracts';
import { KafkaJSConnectionError, KafkaJSNonRetriableError, KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError, Message, ProducerRecord } from 'kafkajs';
import { DeadLetter, IncomingBatch, RecordResult } from './incoming-batch';
import { TransientFailure } from '@trace/genealogy';
import { BatchPayload, KafkaBatchTransport, isTransient } from './kafka-batch.transport';
import { recordBytes } from './dead-letters';

const PREFIX = 'test.';
const LIMIT = 64 * 1024;

/** A partition's batch as kafkajs hands it, with what the transport did to it. */
function fakeBatch(values: (string | Buffer)[], opts: { key?: string; headers?: Record<string, string> } = {}) {
  const resolved: string[] = [];
  let commits = 0;
  let running = true;
  const messages = values.map((v, i) => ({
    offset: String(100 + i),
    key: Buffer.from(opts.key ?? 'SN-1'),
    value: Buffer.isBuffer(v) ? v : Buffer.from(v),
    headers: opts.headers ?? { [CORRELATION_ID_HEADER]: `corr-${i}` },
    timestamp: '0',
    attributes: 0,
  }));
  const payload: BatchPayload = {
    batch: {
      topic: `${PREFIX}${TOPICS.production}`,
      partition: 2,
      messages: messages as never,
      firstOffset: () => messages[0]?.offset ?? null,
      lastOffset: () => messages.at(-1)!.offset,
    },
    resolveOffset: (offset: string) => void resolved.push(offset),
    commitOffsetsIfNecessary: async () => void commits++,
    heartbeat: async () => undefined,
    isRunning: () => running,
    isStale: () => false,
  };
  return { payload, resolved, commits: () => commits, stop: () => (running = false) };
}

/** A producer that keeps what it was sent, failing the first sends with the errors given. */
function fakeProducer(...failures: Error[]) {
  const sent: ProducerRecord[] = [];
  return {
    sent,
    letters: () => sent.flatMap((r) => r.messages),
    send: jest.fn(async (record: ProducerRecord) => {
      const failure = failures.shift();
      if (failure) throw failure;
      sent.push(record);
      return [];
    }),
  };
}

function transportWith(handler: (batch: IncomingBatch) => Promise<RecordResult>, producer = fakeProducer()) {
  const onFatal = jest.fn();
  const transport = new KafkaBatchTransport(
    { brokers: 'unused:9092', clientId: 'c', groupId: 'g', topicPrefix: PREFIX, topicPartitions: 1, partitionsConsumedConcurrently: 1, maxBackoffMs: 1, deadLetterMaxBytes: LIMIT, onFatal },
    producer,
  );
  const calls = jest.fn(handler);
  transport.addHandler(TOPICS.production, calls, true);
  return { transport, producer, onFatal, calls };
}

const refuseAll = (reason: DeadLetter['reason'] = 'INVALID_DATA', errors = ['data.quantity must be a positive number']) =>
  async (batch: IncomingBatch): Promise<RecordResult> => ({ recorded: 0, deadLetters: batch.messages.map((message) => ({ message, reason, errors })) });

/** A broker's error answer as kafkajs raises it. */
const protocolError = (message: string, type: string, code: number, retriable: boolean) =>
  new KafkaJSProtocolError(Object.assign(new Error(message), { type, code, retriable }));

const header = (m: Message, name: string) => m.headers?.[name]?.toString();

describe('KafkaBatchTransport', () => {
  let errorsLogged: jest.SpyInstance;
  beforeEach(() => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation();
    errorsLogged = jest.spyOn(Logger.prototype, 'error').mockImplementation();
  });
  afterEach(() => jest.restoreAllMocks());

  it('dead-letters what the handler refuses, with the reason and origin, the key once, then commits', async () => {
    const { transport, producer, onFatal } = transportWith(refuseAll());
    const b = fakeBatch(['{"bad":1}', '{"bad":2}']);
    await transport.handleBatch(b.payload);

    expect(producer.sent).toHaveLength(1);
    expect(producer.sent[0]).toMatchObject({ topic: `${PREFIX}trace.deadletter.v1`, acks: -1 });
    const [first] = producer.letters();
    expect(first!.key?.toString()).toBe('SN-1');
    expect(first!.value?.toString()).toBe('{"bad":1}');
    expect(header(first!, DEAD_LETTER_HEADERS.reason)).toBe('INVALID_DATA');
    expect(JSON.parse(header(first!, DEAD_LETTER_HEADERS.errors)!)).toEqual(['data.quantity must be a positive number']);
    expect(header(first!, DEAD_LETTER_HEADERS.topic)).toBe(`${PREFIX}${TOPICS.production}`);
    expect(header(first!, DEAD_LETTER_HEADERS.partition)).toBe('2');
    expect(header(first!, DEAD_LETTER_HEADERS.offset)).toBe('100');
    expect(header(first!, CORRELATION_ID_HEADER)).toBe('corr-0');
    expect(header(first!, 'dlq.original.key')).toBeUndefined();
    expect(header(first!, DEAD_LETTER_HEADERS.valueTruncated)).toBeUndefined();
    expect(b.resolved).toEqual(['101']);
    expect(b.commits()).toBe(1);
    expect(onFatal).not.toHaveBeenCalled();
  });

  it('sends 10,000 dead letters in requests each under the broker limit, every one of them, in order', async () => {
    const { transport, producer } = transportWith(refuseAll());
    const values = Array.from({ length: 10_000 }, (_, i) => `{"eventId":"poison-${i}","type":"UnitTeleported"}`);
    const b = fakeBatch(values);
    await transport.handleBatch(b.payload);

    expect(producer.sent.length).toBeGreaterThan(1);
    for (const request of producer.sent) {
      const bytes = request.messages.reduce((sum, m) => sum + recordBytes(m), 0);
      expect(bytes).toBeLessThan(LIMIT);
    }
    expect(producer.letters().map((m) => m.value?.toString())).toEqual(values);
    expect(b.resolved).toEqual(['10099']);
  });

  it('truncates a letter that would not fit, says so, and keeps the start of the value', async () => {
    const { transport, producer } = transportWith(refuseAll('INVALID_ENVELOPE'));
    const big = Buffer.from(`{"source":"${'x'.repeat(LIMIT)}"}`);
    const b = fakeBatch([big]);
    await transport.handleBatch(b.payload);

    const [letter] = producer.letters();
    expect(recordBytes(letter!)).toBeLessThan(LIMIT);
    expect(header(letter!, DEAD_LETTER_HEADERS.valueTruncated)).toBe(String(big.length));
    expect(big.subarray(0, (letter!.value as Buffer).length).equals(letter!.value as Buffer)).toBe(true);
    expect((letter!.value as Buffer).length).toBeGreaterThan(LIMIT / 2);
    expect(b.resolved).toEqual(['100']);
  });

  it('bounds a letter whose errors, headers and key are huge too', async () => {
    const errors = Array.from({ length: 10_000 }, (_, i) => `data.packages.${i}.quantity must be a positive number`);
    const { transport, producer } = transportWith(refuseAll('INVALID_DATA', errors));
    const b = fakeBatch(['{}'], { key: 'K'.repeat(LIMIT), headers: { [CORRELATION_ID_HEADER]: 'c', big: 'h'.repeat(LIMIT) } });
    await transport.handleBatch(b.payload);

    const [letter] = producer.letters();
    expect(recordBytes(letter!)).toBeLessThan(LIMIT);
    expect(JSON.parse(header(letter!, DEAD_LETTER_HEADERS.errors)!).at(-1)).toMatch(/^… and \d+ more$/);
    expect(header(letter!, DEAD_LETTER_HEADERS.headersDropped)).toBe('2');
    expect(header(letter!, DEAD_LETTER_HEADERS.keyTruncated)).toBe(String(LIMIT));
  });

  it('retries a transient failure of the handler with backoff, committing nothing until it succeeds', async () => {
    let attempts = 0;
    const { transport, onFatal, calls } = transportWith(async () => {
      if (++attempts < 3) throw new TransientFailure(Object.assign(new Error('connection refused'), { name: 'MongoServerSelectionError' }));
      return { recorded: 1, deadLetters: [] };
    });
    const b = fakeBatch(['{}']);
    await transport.handleBatch(b.payload);

    expect(calls).toHaveBeenCalledTimes(3);
    expect(b.resolved).toEqual(['100']);
    expect(b.commits()).toBe(1);
    expect(onFatal).not.toHaveBeenCalled();
  });

  it('retries when the broker takes no dead letters for now, and when kafkajs gave up retrying that itself', async () => {
    const producer = fakeProducer(
      new KafkaJSConnectionError('Connection error: ECONNREFUSED'),
      new KafkaJSNumberOfRetriesExceeded(protocolError('There is no leader for this topic-partition', 'LEADER_NOT_AVAILABLE', 5, true), { retryCount: 5, retryTime: 30_000 }),
    );
    const { transport, onFatal } = transportWith(refuseAll(), producer);
    const b = fakeBatch(['{"bad":1}']);
    await transport.handleBatch(b.payload);

    expect(producer.send).toHaveBeenCalledTimes(3);
    expect(producer.letters()).toHaveLength(1);
    expect(b.resolved).toEqual(['100']);
    expect(onFatal).not.toHaveBeenCalled();
  });

  it('stops loudly, once, on a failure no retry can fix: nothing committed, later batches not handled', async () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'serial')");
    const { transport, onFatal, calls } = transportWith(async () => Promise.reject(bug));
    const b = fakeBatch(['{}']);
    await transport.handleBatch(b.payload);

    expect(calls).toHaveBeenCalledTimes(1);
    expect(onFatal).toHaveBeenCalledWith(bug);
    expect(errorsLogged).toHaveBeenCalledWith(expect.stringContaining('a retry cannot fix this failure'));
    expect(b.resolved).toEqual([]);
    expect(b.commits()).toBe(0);

    const next = fakeBatch(['{}']);
    await transport.handleBatch(next.payload);
    expect(calls).toHaveBeenCalledTimes(1);
    expect(next.resolved).toEqual([]);
    expect(onFatal).toHaveBeenCalledTimes(1);
  });

  it('stops loudly when the broker refuses the dead letters for good', async () => {
    const tooLarge = new KafkaJSNonRetriableError(protocolError('The request included a message larger than the max message size the server will accept', 'MESSAGE_TOO_LARGE', 10, false));
    const producer = fakeProducer(tooLarge);
    const { transport, onFatal } = transportWith(refuseAll(), producer);
    const b = fakeBatch(['{"bad":1}']);
    await transport.handleBatch(b.payload);

    expect(producer.send).toHaveBeenCalledTimes(1);
    expect(onFatal).toHaveBeenCalledWith(tooLarge);
    expect(b.resolved).toEqual([]);
  });

  it('abandons a batch uncommitted, without stopping, when it fails because consuming stops', async () => {
    const b = fakeBatch(['{}']);
    const { transport, onFatal } = transportWith(async () => {
      b.stop();
      throw Object.assign(new Error('Operation interrupted because client was closed'), { name: 'MongoClientClosedError' });
    });
    await transport.handleBatch(b.payload);

    expect(b.resolved).toEqual([]);
    expect(onFatal).not.toHaveBeenCalled();
  });

  it('abandons a batch uncommitted when consuming stops while it waits to retry', async () => {
    const b = fakeBatch(['{}']);
    const { transport, onFatal, calls } = transportWith(async () => {
      b.stop();
      throw new TransientFailure(new Error('down'));
    });
    await transport.handleBatch(b.payload);

    expect(calls).toHaveBeenCalledTimes(1);
    expect(b.resolved).toEqual([]);
    expect(onFatal).not.toHaveBeenCalled();
  });
});

describe('isTransient', () => {
  it.each([
    ['a TransientFailure', true, new TransientFailure(new Error('down'))],
    ['a kafkajs connection error', true, new KafkaJSConnectionError('ECONNREFUSED')],
    ['a leader election', true, protocolError('not leader', 'NOT_LEADER_FOR_PARTITION', 6, true)],
    ['a non-retriable kafkajs error', false, new KafkaJSNonRetriableError('bad')],
    ['a plain error', false, new Error('bug')],
    ['a thrown string', false, 'bug'],
  ])('says whether %s is transient (%s)', (_name, expected, error) => {
    expect(isTransient(error)).toBe(expected);
  });

  it('heartbeats every few seconds while a batch is being recorded, and no more once it is', async () => {
    jest.useFakeTimers();
    try {
      let finish!: () => void;
      const { transport } = transportWith(() => new Promise<RecordResult>((resolve) => (finish = () => resolve({ recorded: 1, deadLetters: [] }))));
      const b = fakeBatch([JSON.stringify({ any: 1 })]);
      const heartbeat = jest.fn(async () => undefined);
      const handled = transport.handleBatch({ ...b.payload, heartbeat });

      await jest.advanceTimersByTimeAsync(10_000);
      expect(heartbeat.mock.calls.length).toBe(3); // at 3, 6 and 9 s of a batch still recording

      finish();
      await handled;
      const afterEnd = heartbeat.mock.calls.length; // one more as the batch ends, as always
      await jest.advanceTimersByTimeAsync(10_000);
      expect(heartbeat.mock.calls.length).toBe(afterEnd);
      expect(b.commits()).toBe(1);
    } finally {
      jest.useRealTimers();
    }
  });
});
