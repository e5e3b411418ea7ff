import { createHash } from 'node:crypto';
import type { CfxLineRecord, KafkaPosition, LotStatus, TraceEventOf } from '@trace/contracts';
import { CfxFields } from '../cfx/cfx-fields';
import { CfxRejectReason, decodeCfx } from '../cfx/decode-cfx';

// Holds go the other way: a hold or release made through our API (LotStatusChanged with the key that asked) becomes a
// CFX BlockMaterialsRequest or UnblockMaterialsRequest to the line, and the line's response is recorded. Pure.

export const BLOCK_REQUEST = 'CFX.Materials.Management.BlockMaterialsRequest';
export const UNBLOCK_REQUEST = 'CFX.Materials.Management.UnblockMaterialsRequest';
export const BLOCK_RESPONSE = 'CFX.Materials.Management.BlockMaterialsResponse';
export const UNBLOCK_RESPONSE = 'CFX.Materials.Management.UnblockMaterialsResponse';

/** CFX's BlockReason for each of our statuses that blocks a package. */
const BLOCK_REASONS: Record<Exclude<LotStatus, 'released'>, string> = { hold: 'SuspectedProblem', quarantined: 'SuspectedProblem', scrapped: 'Defective' };

/** A GUID-shaped UniqueID derived from the hold's event id: a redelivered hold is the same request, by the same id. */
export function requestUniqueId(eventId: string): string {
  const h = createHash('sha1').update(`cfx-line-request:${eventId}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** One request to the line: the CFX envelope to send, and the record of having sent it. */
export interface LineRequest {
  uniqueId: string;
  messageName: typeof BLOCK_REQUEST | typeof UNBLOCK_REQUEST;
  envelope: Record<string, unknown>;
  record: LineRecord;
}

/** What the bridge records on CFX_LINE_TOPIC (its shape is the contract's CfxLineRecord). */
export type LineRecord = CfxLineRecord;

/** The request a status change asks of the line, or undefined: only changes made through our API (they name the key). */
export function lineRequestOf(
  event: TraceEventOf<'LotStatusChanged'>,
  position: KafkaPosition,
  handle: string,
  target: string | undefined,
  now: Date,
): LineRequest | undefined {
  const d = event.data;
  if (d.keyId === undefined) return undefined; // from the shop floor itself, or from the line: it knows already
  const uniqueId = requestUniqueId(event.eventId);
  const blocking = d.status !== 'released';
  const messageName = blocking ? BLOCK_REQUEST : UNBLOCK_REQUEST;
  const actor = { OperatorIdentifier: d.keyId, ActorType: 'RemoteSystem', LoginName: d.keyId };
  const body = blocking
    ? { $type: `${BLOCK_REQUEST}, CFX`, MaterialPackageIdentifiers: [d.lotId], Reason: BLOCK_REASONS[d.status as Exclude<LotStatus, 'released'>], Comments: d.reason, Blocker: actor }
    : { $type: `${UNBLOCK_REQUEST}, CFX`, MaterialPackageIdentifiers: [d.lotId], Comments: d.reason, Unblocker: actor };
  return {
    uniqueId,
    messageName,
    envelope: { MessageName: messageName, Version: '2.1', TimeStamp: event.occurredAt, UniqueID: uniqueId, Source: handle, Target: target ?? null, RequestID: null, MessageBody: body },
    record: {
      kind: 'request',
      requestId: uniqueId,
      messageName,
      lotIds: [d.lotId],
      status: d.status,
      reason: d.reason,
      keyId: d.keyId,
      holdEventId: event.eventId,
      holdPosition: position,
      ...(event.correlationId !== undefined ? { correlationId: event.correlationId } : {}),
      sentAt: now.toISOString(),
    },
  };
}

/** The record of a line's response, or why it is none (then it is dead-lettered). */
export function lineResponseOf(
  body: Buffer,
  contentEncoding: string | undefined,
  correlationId: string | undefined,
  now: Date,
): { ok: true; record: LineRecord } | { ok: false; reason: CfxRejectReason; errors: string[] } {
  const decoded = decodeCfx(body, contentEncoding);
  if (!decoded.ok) return { ok: false, reason: decoded.reason, errors: decoded.errors };
  if (decoded.envelopes.length !== 1) return { ok: false, reason: 'INVALID_ENVELOPE', errors: ['a response is one envelope'] };
  const problems: string[] = [];
  const envelope = CfxFields.of(decoded.envelopes[0], 'envelope', problems);
  const messageName = envelope.string('MessageName');
  if (messageName !== BLOCK_RESPONSE && messageName !== UNBLOCK_RESPONSE) {
    return { ok: false, reason: 'UNKNOWN_MESSAGE', errors: [`${messageName ?? '(no MessageName)'} is no response to a block or unblock request`] };
  }
  // CFX sets the response's RequestID to the request's UniqueID; an AMQP correlation id stands in for a line that does not.
  const requestId = envelope.string('RequestID') ?? correlationId;
  const uniqueId = envelope.string('UniqueID');
  const b = envelope.object('MessageBody');
  const result = b?.object('Result');
  const outcome = result?.string('Result');
  if (requestId === undefined) problems.push('envelope.RequestID is missing: the response names no request');
  if (uniqueId === undefined) problems.push('envelope.UniqueID is missing');
  if (outcome === undefined) problems.push('MessageBody.Result.Result is missing');
  const notBlocked = (b?.raw('MaterialsPackagesNotBlocked') ?? []) as unknown;
  if (!Array.isArray(notBlocked) || !notBlocked.every((x) => typeof x === 'string')) problems.push('MessageBody.MaterialsPackagesNotBlocked must be a list of package ids');
  if (problems.length > 0) return { ok: false, reason: 'INVALID_BODY', errors: problems };
  const code = result?.number('ResultCode');
  const message = result?.string('Message');
  return {
    ok: true,
    record: {
      kind: 'response',
      requestId: requestId!,
      messageName,
      responseUniqueId: uniqueId!,
      source: envelope.string('Source') ?? 'cfx',
      result: { result: outcome!, ...(code !== undefined ? { resultCode: code } : {}), ...(message !== undefined ? { message } : {}) },
      notBlocked: notBlocked as string[],
      receivedAt: now.toISOString(),
    },
  };
}
