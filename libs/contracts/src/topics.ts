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

/** Header names on a dead-lettered message (its value is the original bytes, unchanged). */
export const DEAD_LETTER_HEADERS = {
  reason: 'dlq.reason',
  errors: 'dlq.errors',
  topic: 'dlq.original.topic',
  partition: 'dlq.original.partition',
  offset: 'dlq.original.offset',
  key: 'dlq.original.key',
  failedAt: 'dlq.failed.at',
} as const;
