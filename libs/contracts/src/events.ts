import {
  BomReleasedData,
  DeviationApprovedData,
  DeviationRevokedData,
  PartApprovalWithdrawnData,
  PartApprovedData,
  brandKey,
} from './brand';
import { LotMergedData, LotSplicedData, LotSplitData, LotStatusChangedData, SplicePointDetectedData, lotKey } from './lot';
import {
  MaterialInstalledData,
  MaterialRemovedData,
  UnitAssembledData,
  UnitDisassembledData,
  UnitDisqualifiedData,
  UnitShippedData,
  UnitStartedData,
  productionKey,
} from './production';
import { MaterialReceivedData, receiptKey } from './receipt';
import { EventRetractedData, retractionKey } from './retraction';
import { TOPICS, TopicName } from './topics';
import { VendorRegisteredData, VendorStatusChangedData, vendorKey } from './vendor';

/** The envelope version this contract describes. */
export const SCHEMA_VERSION = 1;

/** The topic of an event type accepted on every trace topic: a retraction travels with the event it retracts. */
export const EVERY_TRACE_TOPIC = '*';

/** Every event type of contract v1 with its topic, data class and message key. */
export const EVENT_TYPES = {
  VendorRegistered: { topic: TOPICS.vendor, data: VendorRegisteredData, key: vendorKey },
  VendorStatusChanged: { topic: TOPICS.vendor, data: VendorStatusChangedData, key: vendorKey },
  MaterialReceived: { topic: TOPICS.receipt, data: MaterialReceivedData, key: receiptKey },
  LotSplit: { topic: TOPICS.lot, data: LotSplitData, key: lotKey },
  LotMerged: { topic: TOPICS.lot, data: LotMergedData, key: lotKey },
  LotStatusChanged: { topic: TOPICS.lot, data: LotStatusChangedData, key: lotKey },
  LotSpliced: { topic: TOPICS.lot, data: LotSplicedData, key: lotKey },
  SplicePointDetected: { topic: TOPICS.lot, data: SplicePointDetectedData, key: lotKey },
  UnitStarted: { topic: TOPICS.production, data: UnitStartedData, key: productionKey },
  MaterialInstalled: { topic: TOPICS.production, data: MaterialInstalledData, key: productionKey },
  UnitAssembled: { topic: TOPICS.production, data: UnitAssembledData, key: productionKey },
  UnitShipped: { topic: TOPICS.production, data: UnitShippedData, key: productionKey },
  MaterialRemoved: { topic: TOPICS.production, data: MaterialRemovedData, key: productionKey },
  UnitDisassembled: { topic: TOPICS.production, data: UnitDisassembledData, key: productionKey },
  UnitDisqualified: { topic: TOPICS.production, data: UnitDisqualifiedData, key: productionKey },
  PartApproved: { topic: TOPICS.brand, data: PartApprovedData, key: brandKey },
  PartApprovalWithdrawn: { topic: TOPICS.brand, data: PartApprovalWithdrawnData, key: brandKey },
  DeviationApproved: { topic: TOPICS.brand, data: DeviationApprovedData, key: brandKey },
  DeviationRevoked: { topic: TOPICS.brand, data: DeviationRevokedData, key: brandKey },
  BomReleased: { topic: TOPICS.brand, data: BomReleasedData, key: brandKey },
  EventRetracted: { topic: EVERY_TRACE_TOPIC, data: EventRetractedData, key: retractionKey },
} as const;

export type EventType = keyof typeof EVENT_TYPES;
export const EVENT_TYPE_NAMES = Object.keys(EVENT_TYPES) as EventType[];

type DataOf<T extends EventType> = InstanceType<(typeof EVENT_TYPES)[T]['data']>;

/** One shop-floor event: the envelope and its typed data. */
export type TraceEventOf<T extends EventType> = {
  eventId: string;
  type: T;
  schemaVersion: typeof SCHEMA_VERSION;
  occurredAt: string;
  source: string;
  correlationId?: string;
  data: DataOf<T>;
};

/** Any event of contract v1, discriminated by `type`. */
export type TraceEvent = { [T in EventType]: TraceEventOf<T> }[EventType];

/** An event type that lives on one topic (every type but EventRetracted). */
export type TopicalEventType = Exclude<EventType, 'EventRetracted'>;

/** The topic an event type is published on. */
export const topicOf = (type: TopicalEventType): TopicName => EVENT_TYPES[type].topic;

/** Whether an event type may be published on `topic`: its own, or any trace topic for a retraction. */
export const acceptsTopic = (type: EventType, topic: string): boolean => {
  const own = EVENT_TYPES[type].topic;
  return own === EVERY_TRACE_TOPIC ? Object.values(TOPICS).some((t) => topic.endsWith(t)) : topic.endsWith(own);
};

/** The Kafka message key of an event (the entity id the contract names). */
export const keyOf = (event: TraceEvent): string =>
  (EVENT_TYPES[event.type].key as (d: unknown) => string)(event.data);

/** Where an event was read from: enough for an auditor to find the exact message again. */
export interface KafkaPosition {
  topic: string;
  partition: number;
  offset: string;
}
