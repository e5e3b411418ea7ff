import { makeEvent } from '@trace/contracts';
import { BLOCK_REQUEST, UNBLOCK_REQUEST, lineRequestOf, lineResponseOf, requestUniqueId } from './line-requests';

const at = { topic: 'trace.lot.v1', partition: 1, offset: '42' };
const now = new Date('2026-11-03T09:00:01Z');
const status = (status: 'hold' | 'released' | 'scrapped', keyId?: string) =>
  makeEvent('LotStatusChanged', { lotId: 'REEL-A', status, reason: 'suspect solderability', ...(keyId ? { keyId } : {}) }, { eventId: `ev-${status}`, occurredAt: '2026-11-03T09:00:00Z', source: 'api/containment', correlationId: 'corr-1' });

describe('holds to the line', () => {
  it('sends a hold made through the API as a BlockMaterialsRequest, blocked by the key as a remote system', () => {
    const request = lineRequestOf(status('hold', 'key-q1'), at, 'ems-trace.cfx-bridge', 'SMTPlus.Line1', now)!;
    expect(request.envelope).toEqual({
      MessageName: BLOCK_REQUEST, Version: '2.1', TimeStamp: '2026-11-03T09:00:00Z', UniqueID: request.uniqueId, Source: 'ems-trace.cfx-bridge', Target: 'SMTPlus.Line1', RequestID: null,
      MessageBody: {
        $type: `${BLOCK_REQUEST}, CFX`, MaterialPackageIdentifiers: ['REEL-A'], Reason: 'SuspectedProblem', Comments: 'suspect solderability',
        Blocker: { OperatorIdentifier: 'key-q1', ActorType: 'RemoteSystem', LoginName: 'key-q1' },
      },
    });
    expect(request.record).toMatchObject({ kind: 'request', requestId: request.uniqueId, lotIds: ['REEL-A'], keyId: 'key-q1', holdEventId: 'ev-hold', holdPosition: at, correlationId: 'corr-1' });
    expect(request.uniqueId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(requestUniqueId('ev-hold')).toBe(request.uniqueId); // a redelivered hold is the same request
  });

  it('sends a release as an UnblockMaterialsRequest and scrapping as Defective', () => {
    expect(lineRequestOf(status('released', 'key-q1'), at, 'h', undefined, now)!.envelope).toMatchObject({ MessageName: UNBLOCK_REQUEST, Target: null, MessageBody: { Unblocker: { OperatorIdentifier: 'key-q1' } } });
    expect(lineRequestOf(status('scrapped', 'key-q1'), at, 'h', undefined, now)!.envelope).toMatchObject({ MessageBody: { Reason: 'Defective' } });
  });

  it('sends nothing for a status change that did not come through the API', () => {
    expect(lineRequestOf(status('hold'), at, 'h', undefined, now)).toBeUndefined();
  });

  it('records the line response by the request it answers, with the packages not blocked', () => {
    const response = { MessageName: 'CFX.Materials.Management.BlockMaterialsResponse', UniqueID: 'r-1', RequestID: 'q-1', Source: 'SMTPlus.Line1', MessageBody: { Result: { Result: 'Failed', ResultCode: 3, Message: 'REEL-A is on no feeder' }, MaterialsPackagesNotBlocked: ['REEL-A'] } };
    expect(lineResponseOf(Buffer.from(JSON.stringify(response)), undefined, undefined, now)).toEqual({
      ok: true,
      record: { kind: 'response', requestId: 'q-1', messageName: response.MessageName, responseUniqueId: 'r-1', source: 'SMTPlus.Line1', result: { result: 'Failed', resultCode: 3, message: 'REEL-A is on no feeder' }, notBlocked: ['REEL-A'], receivedAt: now.toISOString() },
    });
  });

  it.each([
    ['no JSON', 'nope', 'INVALID_JSON'],
    ['another message', JSON.stringify({ MessageName: 'CFX.Heartbeat', UniqueID: 'x' }), 'UNKNOWN_MESSAGE'],
    ['a response naming no request', JSON.stringify({ MessageName: 'CFX.Materials.Management.UnblockMaterialsResponse', UniqueID: 'x', MessageBody: { Result: { Result: 'Success' } } }), 'INVALID_BODY'],
  ])('refuses %s as a response', (_what, bytes, reason) => {
    expect(lineResponseOf(Buffer.from(bytes), undefined, undefined, now)).toMatchObject({ ok: false, reason });
  });
});
