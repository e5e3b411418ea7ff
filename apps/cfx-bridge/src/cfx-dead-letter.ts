import { CFX_DEAD_LETTER_HEADERS, CFX_DEAD_LETTER_TOPIC, cfxDeadLetterKey } from '@trace/contracts';
import type { OutgoingMessage } from '@trace/platform';
import type { CfxRefusal } from './map-cfx-message/map-cfx-message.use-case';

// Where the bridge puts CFX it can never map: the AMQP message's bytes unchanged, the reason in the headers (the topic,
// its key and its headers are declared in libs/contracts).

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
    key: cfxDeadLetterKey(refusal.uniqueId, amqp.messageId),
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
