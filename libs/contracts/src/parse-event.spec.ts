import { makeEvent } from './make-event';
import { parseEvent } from './parse-event';

const valid = () =>
  makeEvent('MaterialReceived', {
    receiptId: 'R1',
    vendorId: 'V1',
    manufacturer: 'Murata',
    mpn: 'GRM188',
    internalPartNumber: 'C-100N',
    vendorLotCode: 'L1',
    receivedAt: '2026-11-01T08:00:00Z',
    uom: 'pcs',
    packages: [{ lotId: 'REEL-1', quantity: 4000 }],
  });

const rejectionOf = (value: unknown, topic?: string) => {
  const r = parseEvent(typeof value === 'string' ? value : JSON.stringify(value), topic);
  if (r.ok) throw new Error('expected a rejection');
  return r;
};

describe('parseEvent', () => {
  it('accepts a valid event and returns it typed', () => {
    const r = parseEvent(JSON.stringify(valid()), 'trace.receipt.v1');
    expect(r.ok).toBe(true);
    if (r.ok && r.event.type === 'MaterialReceived') expect(r.event.data.packages[0]?.lotId).toBe('REEL-1');
  });

  it('rejects bytes that are not JSON', () => {
    expect(rejectionOf('{not json').reason).toBe('INVALID_JSON');
    expect(parseEvent(null).ok).toBe(false);
  });

  it('rejects an unknown type and names the known ones', () => {
    const r = rejectionOf({ ...valid(), type: 'MaterialTeleported' });
    expect(r.reason).toBe('UNKNOWN_TYPE');
    expect(r.errors[0]).toContain('MaterialReceived');
  });

  it('rejects a schema version it does not read', () => {
    expect(rejectionOf({ ...valid(), schemaVersion: 2 }).reason).toBe('UNSUPPORTED_SCHEMA_VERSION');
  });

  it('rejects an event published on the wrong topic', () => {
    expect(rejectionOf(valid(), 'trace.production.v1').reason).toBe('WRONG_TOPIC');
  });

  it('rejects a time without an offset', () => {
    const r = rejectionOf({ ...valid(), occurredAt: '2026-11-01T08:00:00' });
    expect(r.reason).toBe('INVALID_ENVELOPE');
    expect(r.errors.join()).toContain('occurredAt');
  });

  it.each([
    ['a missing field', (d: Record<string, unknown>) => delete d.mpn, 'data.mpn'],
    ['a wrongly typed field', (d: Record<string, unknown>) => (d.vendorId = 42), 'data.vendorId'],
    ['a zero quantity', (d: Record<string, any>) => (d.packages[0].quantity = 0), 'data.packages.0.quantity'],
    ['a negative quantity', (d: Record<string, any>) => (d.packages[0].quantity = -5), 'data.packages.0.quantity'],
    ['a quantity given as a string', (d: Record<string, any>) => (d.packages[0].quantity = '5'), 'data.packages.0.quantity'],
    ['no packages', (d: Record<string, any>) => (d.packages = []), 'data.packages'],
    ['a repeated package lot', (d: Record<string, any>) => d.packages.push({ lotId: 'REEL-1', quantity: 1 }), 'data.packages'],
    ['an id over 128 characters', (d: Record<string, unknown>) => (d.vendorId = 'x'.repeat(129)), 'data.vendorId'],
    ['an empty id', (d: Record<string, unknown>) => (d.receiptId = ''), 'data.receiptId'],
    ['a bad country code', (d: Record<string, unknown>) => (d.countryOfOrigin = 'Germany'), 'data.countryOfOrigin'],
  ])('rejects %s and says which field', (_name, mutate, field) => {
    const event = JSON.parse(JSON.stringify(valid()));
    mutate(event.data);
    const r = rejectionOf(event);
    expect(r.reason).toBe('INVALID_DATA');
    expect(r.errors.join('\n')).toContain(field);
  });

  it('rejects a merge into one of its own sources', () => {
    const e = makeEvent('LotMerged', { sourceLotIds: ['A', 'B'], lotId: 'A' });
    expect(rejectionOf(e).errors.join()).toContain('lotId');
  });

  it('rejects a merge of a single lot', () => {
    const e = makeEvent('LotMerged', { sourceLotIds: ['A'], lotId: 'C' });
    expect(rejectionOf(e).errors.join()).toContain('sourceLotIds');
  });

  it('accepts bulk material installed without reference designators', () => {
    const e = makeEvent('MaterialInstalled', { serial: 'S1', lotId: 'PASTE-1', quantity: 2.5, refDes: [] });
    expect(parseEvent(JSON.stringify(e), 'trace.production.v1').ok).toBe(true);
  });
});
