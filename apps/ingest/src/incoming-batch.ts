import type { RejectReason } from '@trace/contracts';

/** One Kafka message as the ingest sees it. */
export interface IncomingMessage {
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, string>;
}

/** The messages of one batch of one partition; `topic` is the contract topic (without a deployment prefix). */
export interface IncomingBatch {
  topic: string;
  /** The topic name on the broker, with its prefix. */
  brokerTopic: string;
  partition: number;
  messages: IncomingMessage[];
}

/** A message the graph can never take, and why. */
export interface DeadLetter {
  message: IncomingMessage;
  reason: RejectReason | 'REJECTED_BY_DATABASE';
  errors: string[];
}

/** What recording a batch did. */
export interface RecordResult {
  recorded: number;
  /** The recorded events by event type (`recorded` in all), for the ingest's metrics. */
  recordedByType?: Record<string, number>;
  deadLetters: DeadLetter[];
}
