/** Every topic of the contract, in one place. Nothing else in the codebase names a topic. */
export const TOPICS = {
  vendor: 'trace.vendor.v1',
  receipt: 'trace.receipt.v1',
  lot: 'trace.lot.v1',
  production: 'trace.production.v1',
  brand: 'trace.brand.v1',
} as const;

/** Where the ingest puts messages it can never process, with the reason in the headers. */
export const DEAD_LETTER_TOPIC = 'trace.deadletter.v1';

export type TopicName = (typeof TOPICS)[keyof typeof TOPICS];

/** The topics the ingest consumes. */
export const SOURCE_TOPICS: readonly TopicName[] = Object.values(TOPICS);

/**
 * Header names on a dead-lettered message. Its key is the original key and its value the original bytes,
 * unless the letter would not fit the dead-letter topic: then the value is cut and `valueTruncated` gives
 * the original size (likewise `keyTruncated`; `headersDropped` counts original headers left off).
 */
export const DEAD_LETTER_HEADERS = {
  reason: 'dlq.reason',
  errors: 'dlq.errors',
  topic: 'dlq.original.topic',
  partition: 'dlq.original.partition',
  offset: 'dlq.original.offset',
  failedAt: 'dlq.failed.at',
  valueTruncated: 'dlq.original.value.truncated',
  keyTruncated: 'dlq.original.key.truncated',
  headersDropped: 'dlq.original.headers.dropped',
} as const;
