import type { CfxLineRecord } from './value';

/** The message key on trace.cfx-line.v1: the request's CFX UniqueID, so a request and its response share a partition. */
export const cfxLineKey = (record: CfxLineRecord): string => record.requestId;

/** The message key on trace.cfx-deadletter.v1: the refused envelope's UniqueID, else the AMQP message id, else none. */
export const cfxDeadLetterKey = (uniqueId: string | undefined, amqpMessageId: string | undefined): string | null => uniqueId ?? amqpMessageId ?? null;
