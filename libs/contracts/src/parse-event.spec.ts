import { makeEvent } from './make-event';
import { assemblyRefDes } from './production';
import { MAX_EVENT_BYTES, MAX_NESTING_DEPTH, nestingDepth, parseEvent } from './parse-event';

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
    expect(r).toMatchObject({ ok: true, event: { type: 'MaterialReceived', data: { packages: [{ lotId: 'REEL-1', quantity: 4000 }] } } });
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

  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])('rejects the type %j as unknown, not for another reason', (type) => {
    const r = rejectionOf({ ...valid(), type }, 'trace.receipt.v1');
    expect(r.reason).toBe('UNKNOWN_TYPE');
  });

  it('rejects a "__proto__" type written as its own JSON key too', () => {
    const value = JSON.stringify(valid()).replace('"type":"MaterialReceived"', '"type":"__proto__"');
    expect(rejectionOf(value).reason).toBe('UNKNOWN_TYPE');
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

  it.each([
    ['month 13', '2026-13-01T08:00:00Z'],
    ['30 February', '2026-02-30T08:00:00Z'],
    ['29 February of a common year', '2026-02-29T08:00:00Z'],
    ['29 February 1900 (not a leap year)', '1900-02-29T08:00:00Z'],
    ['31 April', '2026-04-31T08:00:00Z'],
    ['day 0', '2026-11-00T08:00:00Z'],
    ['hour 24', '2026-11-01T24:00:00Z'],
    ['hour 25, minute 61', '2026-13-45T25:61Z'],
    ['second 60', '2026-11-01T08:00:60Z'],
    ['an offset of 24 hours', '2026-11-01T08:00:00+24:00'],
    ['an offset minute 60', '2026-11-01T08:00:00+01:60'],
    ['no offset', '2026-11-01T08:00:00'],
    ['a date alone', '2026-11-01'],
    ['a space for the T', '2026-11-01 08:00:00Z'],
    ['a number', 1793520000000],
  ])('rejects an instant with %s', (_name, occurredAt) => {
    const r = rejectionOf({ ...valid(), occurredAt });
    expect(r.reason).toBe('INVALID_ENVELOPE');
    expect(r.errors.join()).toContain('occurredAt');
  });

  it('rejects an impossible instant inside data, naming the field', () => {
    const event = { ...valid(), data: { ...valid().data, receivedAt: '2026-02-30T08:00:00Z' } };
    const r = rejectionOf(event);
    expect(r.reason).toBe('INVALID_DATA');
    expect(r.errors.join()).toContain('data.receivedAt');
  });

  it.each([
    '2026-11-01T08:00:00Z',
    '2026-11-01T08:00Z',
    '2026-11-01T08:00:00.123456789+01:00',
    '2028-02-29T23:59:59-05:30',
    '2000-02-29T00:00:00Z',
    '2026-12-31T23:59:59+14:00',
  ])('accepts the real instant %s', (occurredAt) => {
    expect(parseEvent(JSON.stringify({ ...valid(), occurredAt }))).toMatchObject({ ok: true, event: { occurredAt } });
  });

  it('rejects a value over the size bound before parsing it', () => {
    const event = { ...valid(), source: 'x'.repeat(MAX_EVENT_BYTES) };
    const r = rejectionOf(event);
    expect(r.reason).toBe('TOO_LARGE');
    expect(r.errors[0]).toContain(String(MAX_EVENT_BYTES));
  });

  it('rejects a 5,000-deep array in data without overflowing the stack', () => {
    const value = JSON.stringify(valid()).replace('"uom":"pcs"', `"uom":"pcs","extra":${'['.repeat(5_000)}${']'.repeat(5_000)}`);
    const r = rejectionOf(value);
    expect(r.reason).toBe('TOO_DEEP');
  });

  it('reads nesting up to the bound and ignores brackets inside strings', () => {
    const nested = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;
    const atBound = JSON.stringify(valid()).replace('"uom":"pcs"', `"uom":"pcs","extra":${nested(MAX_NESTING_DEPTH - 2)}`);
    expect(parseEvent(atBound).ok).toBe(true);
    const overBound = JSON.stringify(valid()).replace('"uom":"pcs"', `"uom":"pcs","extra":${nested(MAX_NESTING_DEPTH - 1)}`);
    expect(rejectionOf(overBound).reason).toBe('TOO_DEEP');
    const inStrings = JSON.stringify({ ...valid(), source: `[{"\\${'['.repeat(100)}` });
    expect(parseEvent(inStrings).ok).toBe(true);
    expect(nestingDepth(Buffer.from('{"a":"\\"}'))).toBe(1);
  });

  it('accepts a unit assembled at one reference designator given as a string or as an array', () => {
    for (const refDes of ['J2', ['J2'], ['J1', 'J2']]) {
      const e = makeEvent('UnitAssembled', { serial: 'P1', childSerial: 'C1', refDes });
      expect(parseEvent(JSON.stringify(e), 'trace.production.v1')).toMatchObject({ ok: true, event: { data: { refDes } } });
    }
    const none = makeEvent('UnitAssembled', { serial: 'P1', childSerial: 'C1' });
    expect(parseEvent(JSON.stringify(none)).ok).toBe(true);
  });

  it('gives the graph one text for the reference designators of an assembly', () => {
    expect([assemblyRefDes({ refDes: 'J2' }), assemblyRefDes({ refDes: ['J2'] }), assemblyRefDes({ refDes: ['J1', 'J2'] }), assemblyRefDes({})]).toEqual(['J2', 'J2', 'J1 J2', undefined]);
  });

  it.each([
    ['an empty array', []],
    ['a repeated designator', ['J1', 'J1']],
    ['an empty designator', ['']],
    ['an empty string', ''],
    ['a designator over 64 characters', ['J'.repeat(65)]],
    ['a number', 2],
  ])('rejects a unit assembled with %s as reference designators', (_name, refDes) => {
    const e = { ...makeEvent('UnitAssembled', { serial: 'P1', childSerial: 'C1' }), data: { serial: 'P1', childSerial: 'C1', refDes } };
    const r = rejectionOf(e);
    expect(r.reason).toBe('INVALID_DATA');
    expect(r.errors.join()).toContain('data.refDes');
  });

  it('accepts bulk material installed without reference designators', () => {
    const e = makeEvent('MaterialInstalled', { serial: 'S1', lotId: 'PASTE-1', quantity: 2.5, refDes: [] });
    expect(parseEvent(JSON.stringify(e), 'trace.production.v1').ok).toBe(true);
  });
});
