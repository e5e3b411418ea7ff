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

/**
 * The CFX bridge's own topics, beside the contract's: no ingest reads them and they carry no contract events (shapes in
 * `./cfx`; see docs/event-contract.md, "The CFX bridge's topics"). The dead letters and the line's records keep the broker's retention;
 * the state topic is compacted and kept for good.
 */
export const CFX_TOPICS = {
  /** CFX the bridge could never map: the AMQP body byte for byte, why in the headers (CFX_DEAD_LETTER_HEADERS). */
  deadLetter: 'trace.cfx-deadletter.v1',
  /** What the bridge asked of a line (Block/UnblockMaterialsRequest) and what the line answered (CfxLineRecord JSON). */
  line: 'trace.cfx-line.v1',
  /** What the bridge remembers of the line (work orders, panel positions): compacted, created by the bridge's state store. */
  state: 'trace.cfx-state.v1',
} as const;

export const CFX_DEAD_LETTER_TOPIC = CFX_TOPICS.deadLetter;
export const CFX_LINE_TOPIC = CFX_TOPICS.line;
export const CFX_STATE_TOPIC = CFX_TOPICS.state;

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
