import { Types } from 'mongoose';
import { canonicalDocument } from './canonical-document';
import { storedProvenance } from '../facts/provenance';
import { GRAPH_COLLECTIONS, digestOf, formatDigest } from './graph-digest';

describe("the graph digest's canonical form", () => {
  it('writes the members of every object sorted by name, at every depth, whatever order they were written in', () => {
    const a = { _id: 'SN-1', started: { brand: 'Acme', at: 1 }, installs: { e2: { lotId: 'L2' }, e1: { lotId: 'L1', refDes: ['R2', 'R1'] } } };
    const b = { installs: { e1: { refDes: ['R2', 'R1'], lotId: 'L1' }, e2: { lotId: 'L2' } }, started: { at: 1, brand: 'Acme' }, _id: 'SN-1' };
    expect(canonicalDocument(a)).toBe(canonicalDocument(b));
    expect(canonicalDocument(a)).toBe('{"_id":"SN-1","installs":{"e1":{"lotId":"L1","refDes":["R2","R1"]},"e2":{"lotId":"L2"}},"started":{"at":1,"brand":"Acme"}}');
  });

  it("writes a fact's provenance in one form, stored as the object (before) or as the string (now)", () => {
    const prov = { eventId: 'e-1', type: 'MaterialInstalled', source: 'line-1', occurredAt: '2026-11-01T08:00:00.000Z', topic: 't', partition: 0, offset: '7' } as const;
    const fact = (p: unknown) => ({ _id: 'SN-1', installs: { e1: { lotId: 'L1', at: new Date(prov.occurredAt), prov: p } } });
    expect(canonicalDocument(fact(prov))).toBe(canonicalDocument(fact(storedProvenance(prov))));
    expect(canonicalDocument(fact({ ...prov, offset: '8' }))).not.toBe(canonicalDocument(fact(storedProvenance(prov))));
    expect(canonicalDocument({ prov: { ...prov, extra: 1 } })).toContain('"extra":1'); // not a provenance: as it is
  });

  it('keeps the order of arrays: an array is a sequence, not a set', () => {
    expect(canonicalDocument({ refDes: ['R1', 'R2'] })).not.toBe(canonicalDocument({ refDes: ['R2', 'R1'] }));
  });

  it('writes a Date as its ISO 8601 instant, in UTC with milliseconds', () => {
    const at = new Date('2026-03-01T08:00:00+02:00');
    expect(canonicalDocument({ at })).toBe('{"at":"2026-03-01T06:00:00.000Z"}');
    expect(canonicalDocument({ prov: { occurredAt: at } })).toBe('{"prov":{"occurredAt":"2026-03-01T06:00:00.000Z"}}');
  });

  it('writes an ObjectId as its hex, and sorts names by UTF-16 code units (upper case before lower, digits first)', () => {
    const id = new Types.ObjectId('65f000000000000000000001');
    expect(canonicalDocument({ _id: id })).toBe('{"_id":"65f000000000000000000001"}');
    expect(canonicalDocument({ b: 1, B: 2, a: 3, '1': 4 })).toBe('{"1":4,"B":2,"a":3,"b":1}');
  });

  it('leaves out undefined members and escapes strings as JSON does', () => {
    expect(canonicalDocument({ a: undefined, b: 'say "hi"\n', c: null })).toBe('{"b":"say \\"hi\\"\\n","c":null}');
  });
});

describe('the graph digest', () => {
  const collections = (shaOfUnits: string) => [
    { collection: 'lots', documents: 2, sha256: 'a'.repeat(64) },
    { collection: 'units', documents: 3, sha256: shaOfUnits },
  ];

  it('is one sha256 over every collection, counts included, and changes when one collection does', () => {
    const one = digestOf(collections('b'.repeat(64)));
    expect(one.documents).toBe(5);
    expect(one.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(digestOf(collections('b'.repeat(64))).sha256).toBe(one.sha256);
    expect(digestOf(collections('c'.repeat(64))).sha256).not.toBe(one.sha256);
    expect(formatDigest(one).at(-1)).toBe(`graph           5  ${one.sha256}`);
  });

  it('covers every collection of the graph, the derived ones and the brand authority included', () => {
    expect(GRAPH_COLLECTIONS).toEqual(expect.arrayContaining(['units', 'lots', 'vendor_lots', 'vendors', 'lot_uses', 'lot_brand_uses', 'product_units', 'shipment_units', 'part_receipts', 'brand_parts']));
    expect([...GRAPH_COLLECTIONS]).toEqual([...GRAPH_COLLECTIONS].sort());
  });
});
