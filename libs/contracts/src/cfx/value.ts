import type { KafkaPosition } from '../events';
import type { LotStatus } from '../lot';

// The CFX bridge's own topics carry no contract events (the ingest does not read them): a dead letter is the AMQP body
// byte for byte, a line record is the JSON below. Their shapes live here so that every reader finds them in one place.

/** Header names on a CFX dead letter (trace.cfx-deadletter.v1), beside the `dlq.*` names of the ingest's dead letters. */
export const CFX_DEAD_LETTER_HEADERS = {
  reason: 'dlq.reason',
  errors: 'dlq.errors',
  failedAt: 'dlq.failed.at',
  index: 'dlq.cfx.index',
  messageName: 'dlq.cfx.message-name',
  uniqueId: 'dlq.cfx.unique-id',
  messageId: 'dlq.amqp.message-id',
  contentEncoding: 'dlq.amqp.content-encoding',
} as const;

/** Why the bridge refused CFX (`dlq.reason` of a CFX dead letter). */
export type CfxDeadLetterReason =
  | 'INVALID_ENCODING'
  | 'INVALID_JSON'
  | 'INVALID_ENVELOPE'
  | 'UNKNOWN_MESSAGE'
  | 'INVALID_BODY'
  | 'MISSING_ID'
  | 'UNMAPPED_WORK_ORDER';

/** Header names the bridge puts on the contract events it makes from CFX (beside `correlation-id`). */
export const CFX_EVENT_HEADERS = {
  messageName: 'cfx-message',
  uniqueId: 'cfx-unique-id',
  source: 'cfx-source',
  vendorUnresolved: 'cfx-vendor-unresolved',
  msdLevel: 'cfx-msd-level',
  remainingExposureSeconds: 'cfx-remaining-exposure-seconds',
} as const;

/** What the bridge records on trace.cfx-line.v1, as JSON: a request it sent to the line, or the line's response. */
export type CfxLineRecord =
  | {
      kind: 'request';
      requestId: string;
      messageName: string;
      lotIds: string[];
      status: LotStatus;
      reason: string;
      keyId: string;
      /** The hold it carries to the line: the event and where it was read. */
      holdEventId: string;
      holdPosition: KafkaPosition;
      correlationId?: string;
      sentAt: string;
    }
  | {
      kind: 'response';
      requestId: string;
      messageName: string;
      responseUniqueId: string;
      source: string;
      /** CFX's RequestResult: Success, Failed or an error, with its code and message. */
      result: { result: string; resultCode?: number; message?: string };
      /** Packages the line could not block (CFX names the field MaterialsPackagesNotBlocked). */
      notBlocked: string[];
      receivedAt: string;
    };
