import type { OutgoingMessage } from '@trace/platform';
import type { CfxRefusal } from './map-cfx-message/map-cfx-message.use-case';

/**
 * Where the bridge puts CFX it can never map: the AMQP message's bytes unchanged, the reason in the headers. Not in
 * libs/contracts yet (the contract is being edited in parallel): it moves there with the CFX contract additions.
 */
export const CFX_DEAD_LETTER_TOPIC = 'trace.cfx-deadletter.v1';

/** Header names on a CFX dead letter, beside the `dlq.*` names of the ingest's dead letters. */
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

/** The dead letter of one refusal, keyed by the envelope's UniqueID where it has one. */
export function deadLetterOf(
  refusal: CfxRefusal,
  body: Buffer,
  amqp: { messageId?: string; contentEncoding?: string },
  failedAt: Date,
): OutgoingMessage {
  const h = CFX_DEAD_LETTER_HEADERS;
  return {
    topic: CFX_DEAD_LETTER_TOPIC,
    key: refusal.uniqueId ?? amqp.messageId ?? null,
    value: body,
    headers: {
      [h.reason]: refusal.reason,
      [h.errors]: JSON.stringify(refusal.errors),
      [h.failedAt]: failedAt.toISOString(),
      ...(refusal.index !== undefined ? { [h.index]: String(refusal.index) } : {}),
      ...(refusal.messageName !== undefined ? { [h.messageName]: refusal.messageName } : {}),
      ...(refusal.uniqueId !== undefined ? { [h.uniqueId]: refusal.uniqueId } : {}),
      ...(amqp.messageId !== undefined ? { [h.messageId]: amqp.messageId } : {}),
      ...(amqp.contentEncoding !== undefined ? { [h.contentEncoding]: amqp.contentEncoding } : {}),
    },
  };
}
