import { DEAD_LETTER_HEADERS } from '@trace/contracts';
import type { Message } from 'kafkajs';
import { DeadLetter, IncomingBatch } from './incoming-batch';

// Bytes Kafka adds around records: a record batch header, and per record its lengths, attributes and deltas
// (varints, at most 36 bytes), per header two varint lengths. Counted high, so an estimate is never short.
const BATCH_OVERHEAD = 61;
const RECORD_OVERHEAD = 40;
const HEADER_OVERHEAD = 10;
/** Room kept free in every produce request, for what the estimate does not see. */
const REQUEST_MARGIN = 1024;
/** The most the `dlq.errors` header holds; errors past it are counted, not listed. */
const MAX_ERRORS_BYTES = 8 * 1024;
/** The most the original headers may take on a dead letter; past it they are dropped (and counted). */
const MAX_ORIGINAL_HEADERS_BYTES = 16 * 1024;

type Headers = Record<string, string>;

const bytesOf = (v: Buffer | string | null | undefined): number =>
  v === null || v === undefined ? 0 : typeof v === 'string' ? Buffer.byteLength(v) : v.length;
const headerBytes = (headers: Headers): number =>
  Object.entries(headers).reduce((sum, [k, v]) => sum + HEADER_OVERHEAD + bytesOf(k) + bytesOf(v), 0);

/** An upper estimate of the bytes one record takes in a produce request. */
export function recordBytes(message: Message): number {
  return RECORD_OVERHEAD + bytesOf(message.key) + bytesOf(message.value as Buffer | string | null) + headerBytes((message.headers ?? {}) as Headers);
}

/** The most one produce request of dead letters may carry, in record bytes, under a broker limit of `limit` bytes. */
export const requestBudget = (limit: number): number => limit - BATCH_OVERHEAD - REQUEST_MARGIN;

/**
 * The message that carries a dead letter: the original key (once) and value, the original headers, and
 * the reason and origin in `dlq.*` headers; never more than `maxBytes` (see recordBytes). What does not
 * fit is cut and said so: the errors past MAX_ERRORS_BYTES are counted, original headers over
 * MAX_ORIGINAL_HEADERS_BYTES are dropped (`dlq.original.headers.dropped`), and the value (then, for an
 * absurd key, the key) is truncated to what is left, its original size in `dlq.original.value.truncated`
 * (`dlq.original.key.truncated`).
 */
export function deadLetterMessage(letter: DeadLetter, batch: IncomingBatch, failedAt: string, maxBytes: number): Message {
  const { message } = letter;
  const originals = headerBytes(message.headers) <= MAX_ORIGINAL_HEADERS_BYTES ? message.headers : {};
  const headers: Headers = {
    ...originals,
    [DEAD_LETTER_HEADERS.reason]: letter.reason,
    [DEAD_LETTER_HEADERS.errors]: boundedErrors(letter.errors),
    [DEAD_LETTER_HEADERS.topic]: batch.brokerTopic,
    [DEAD_LETTER_HEADERS.partition]: String(batch.partition),
    [DEAD_LETTER_HEADERS.offset]: message.offset,
    [DEAD_LETTER_HEADERS.failedAt]: failedAt,
  };
  if (originals !== message.headers) headers[DEAD_LETTER_HEADERS.headersDropped] = String(Object.keys(message.headers).length);

  let key = message.key;
  let value = message.value;
  const room = (): number => maxBytes - recordBytes({ key, value: null, headers });
  // A key may take at most half of a dead letter; a key that large is not an entity id anyway.
  if (key && bytesOf(key) > maxBytes / 2) {
    headers[DEAD_LETTER_HEADERS.keyTruncated] = String(key.length);
    key = key.subarray(0, Math.floor(maxBytes / 2));
  }
  if (value && value.length > room()) {
    headers[DEAD_LETTER_HEADERS.valueTruncated] = String(value.length);
    value = value.subarray(0, Math.max(0, room()));
  }
  return { key, value, headers };
}

/** Splits messages into produce requests of at most `budget` record bytes each, in order. */
export function chunkBySize(messages: Message[], budget: number): Message[][] {
  const chunks: Message[][] = [];
  let current: Message[] = [];
  let size = 0;
  for (const m of messages) {
    const bytes = recordBytes(m);
    if (current.length > 0 && size + bytes > budget) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    current.push(m);
    size += bytes;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

// The errors as a JSON array of at most MAX_ERRORS_BYTES, each line cut at 1,000 characters, the rest counted.
function boundedErrors(errors: string[]): string {
  const kept: string[] = [];
  let size = 2;
  for (const [i, e] of errors.entries()) {
    const line = e.length > 1_000 ? `${e.slice(0, 1_000)}…` : e;
    const bytes = Buffer.byteLength(JSON.stringify(line)) + 1;
    if (size + bytes > MAX_ERRORS_BYTES - 64) {
      kept.push(`… and ${errors.length - i} more`);
      break;
    }
    kept.push(line);
    size += bytes;
  }
  return JSON.stringify(kept);
}
