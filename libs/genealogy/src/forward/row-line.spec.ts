import { TraceEvent } from '@trace/contracts';
import { testEvents } from '@trace/contracts/testing';
import { FactView, visibleReader } from '../facts/visibility';
import { BrandScope, SITE_WIDE } from '../genealogy.types';
import { readerOf, storeOf } from '../testing/fake-graph';
import { whereUsedRowJson } from './row-line';
import { whereUsedOfLot } from './where-used';
import type { NdjsonChunk, WhereUsedFilter, WhereUsedRow } from './where-used.types';

const ev = testEvents('l');
const at = '2026-11-01T06:00:00Z';

// Ids with quotes, backslashes, control characters, non-ASCII, an astral character and a lone surrogate: the line
// builder must escape them exactly as JSON.stringify does.
const odd = ['R"1', 'R\\2', 'R\n\t\u0001', 'Rœ€', 'R😀', 'R\ud800', 'R\u2028'];

// One reel spliced onto another with a grey zone (candidate rows), one installation retracted (history: retracted
// rows), one removed, a brand in conflict, shipments, three levels of assembly and odd characters everywhere.
function world(): TraceEvent[] {
  const receipt = (lotId: string) =>
    ev('MaterialReceived', { receiptId: `GR-${lotId}`, vendorId: 'V"', manufacturer: 'M', mpn: 'X', internalPartNumber: 'I', vendorLotCode: lotId, receivedAt: at, uom: 'pcs', packages: [{ lotId, quantity: 100 }] }, 0);
  const wrong = ev('MaterialInstalled', { serial: odd[1]!, lotId: 'REEL-A', quantity: 1, refDes: ['C9'] }, 2);
  return [
    receipt('REEL-A'),
    receipt('REEL-B'),
    ev('LotSpliced', { leadingLotId: 'REEL-A', trailingLotId: 'REEL-B', greyZone: 2, location: 'FDR-1' }, 5),
    ...odd.map((serial) => ev('UnitStarted', { serial, brand: 'Acmé "Q"', productPartNumber: 'P\\1', workOrder: 'WO' }, 1)),
    ev('UnitStarted', { serial: 'TOP😀', brand: 'Acme', productPartNumber: 'T"1', workOrder: 'WO' }, 1),
    ev('UnitStarted', { serial: 'TOP😀', brand: 'Globex', productPartNumber: 'T"1', workOrder: 'WO' }, 1),
    ev('MaterialInstalled', { serial: odd[0]!, lotId: 'REEL-A', quantity: 1, refDes: ['C1'] }, 4),
    ev('MaterialInstalled', {
      serial: odd[2]!, lotId: 'REEL-A', quantity: 1, refDes: ['C1'],
      placements: [{ refDes: 'C1', location: 'FDR-1', placedAt: '2026-11-01T08:20:00Z' }],
      candidates: { lotIds: ['REEL-A', 'REEL-B'], reason: 'grey zone' },
    }, 20),
    wrong,
    ev('EventRetracted', { retractedEventId: wrong.eventId, reason: 'wrong reel "A" at C9 \u2028' }, 3),
    ...odd.slice(3).map((serial) => ev('MaterialInstalled', { serial, lotId: 'REEL-A', quantity: 1, refDes: ['U1'] }, 6)),
    ev('MaterialRemoved', { serial: odd[3]!, lotId: 'REEL-A', refDes: ['U1'], reason: 'failed ICT' }, 10),
    ev('UnitAssembled', { serial: 'MOD\\', childSerial: odd[0]! }, 7),
    ev('UnitAssembled', { serial: 'TOP😀', childSerial: 'MOD\\' }, 8),
    ev('UnitAssembled', { serial: 'TOP😀', childSerial: odd[4]! }, 8),
    ev('UnitShipped', { serial: 'TOP😀', shipmentId: 'S"1', customer: 'Nörth\nwind' }, 9),
    ev('UnitShipped', { serial: odd[5]!, shipmentId: 'S2', customer: 'C\\2' }, 9),
    ev('UnitShipped', { serial: odd[5]!, shipmentId: 'S3', customer: 'C3' }, 10),
  ];
}

async function rowsOf(events: TraceEvent[], history: boolean): Promise<WhereUsedRow[]> {
  const reader = readerOf(storeOf(events));
  const answer = await whereUsedOfLot(visibleReader(reader, new FactView(reader)), 'REEL-A', SITE_WIDE);
  const out: WhereUsedRow[] = [];
  for await (const r of answer!.rows({}, SITE_WIDE, { history })) out.push(r);
  return out;
}

// Every field of a row, each optional one present: a field added to WhereUsedRow does not compile here until it is
// added, and the builder then fails the comparison until it writes it.
const full: Required<WhereUsedRow> = {
  lotId: 'L"1',
  serial: 'S\\1',
  topSerial: 'T\u0000',
  brand: 'B😀',
  productPartNumber: 'P\ud800',
  conflictingFields: ['brand', 'productPartNumber"'],
  shipped: true,
  shipments: [{ shipmentId: 'X\n', customer: 'C\u2029' }, { shipmentId: 'Y', customer: 'Z' }],
  path: [{ kind: 'vendor', id: 'V"', via: 'root' }, { kind: 'lot', id: 'L"1', via: 'received' }, { kind: 'serial', id: 'S\\1', via: 'installed' }],
  removed: false,
  retracted: true,
  retraction: { reason: 'r"', provenance: { eventId: 'e1', type: 'EventRetracted', source: 's', occurredAt: at, topic: 't', partition: 0, offset: '7' } },
  candidate: true,
  candidateLotIds: ['L"1', 'L2'],
};

describe('a where-used row as an NDJSON line', () => {
  it('is byte for byte JSON.stringify of every row an answer gives, with and without history', async () => {
    for (const history of [false, true]) {
      const rows = await rowsOf(world(), history);
      expect(rows.length).toBeGreaterThan(4);
      for (const row of rows) expect(whereUsedRowJson(row)).toBe(JSON.stringify(row));
    }
  });

  it('is tried on rows that carry every field: candidates, retractions, conflicts, shipments, removals', async () => {
    const rows = await rowsOf(world(), true);
    const keys = new Set(rows.flatMap((r) => Object.keys(r)));
    expect([...keys].sort()).toEqual(Object.keys(full).sort());
    expect(rows.some((r) => r.removed)).toBe(true);
    expect(rows.some((r) => r.shipments.length > 1)).toBe(true);
  });

  it('writes a row with every field, and each optional field left out, as JSON.stringify does', () => {
    expect(whereUsedRowJson(full)).toBe(JSON.stringify(full));
    for (const key of ['brand', 'productPartNumber', 'conflictingFields', 'retracted', 'retraction', 'candidate', 'candidateLotIds']) {
      const { [key as keyof WhereUsedRow]: _, ...without } = full;
      expect(whereUsedRowJson(without as WhereUsedRow)).toBe(JSON.stringify(without));
    }
    const bare: WhereUsedRow = { lotId: '', serial: '', topSerial: '', shipped: false, shipments: [], path: [], removed: true };
    expect(whereUsedRowJson(bare)).toBe(JSON.stringify(bare));
  });

  it('escapes every odd id as JSON.stringify does', () => {
    for (const id of [...odd, '\u007f', '</script>', '\u00ad']) {
      const row: WhereUsedRow = { ...full, serial: id, conflictingFields: [id], shipments: [{ shipmentId: id, customer: id }], path: [{ kind: 'serial', id, via: 'assembled' }], candidateLotIds: [id] };
      expect(whereUsedRowJson(row)).toBe(JSON.stringify(row));
      expect(JSON.parse(whereUsedRowJson(row))).toEqual(JSON.parse(JSON.stringify(row)));
    }
  });
});

// The same answer as rows and as lines written straight from the traversal (WhereUsed.lines).
async function bothOf(events: TraceEvent[], scope: BrandScope, filter: WhereUsedFilter, history: boolean, chunk?: number): Promise<{ rows: WhereUsedRow[]; chunks: NdjsonChunk[] }> {
  const reader = readerOf(storeOf(events));
  const open = () => whereUsedOfLot(visibleReader(reader, new FactView(reader)), 'REEL-A', scope);
  const rows: WhereUsedRow[] = [];
  for await (const r of (await open())!.rows(filter, scope, { history })) rows.push(r);
  const chunks: NdjsonChunk[] = [];
  for await (const c of (await open())!.lines(filter, scope, { history, ...(chunk !== undefined ? { chunk } : {}) })) chunks.push(c);
  return { rows, chunks };
}

describe('a where-used answer written as NDJSON lines', () => {
  const scopes: BrandScope[] = [SITE_WIDE, { kind: 'brands', brands: ['Acmé "Q"'] }, { kind: 'brands', brands: ['Acme', 'Acmé "Q"'] }];
  const filters: WhereUsedFilter[] = [{}, { shipped: true }, { shipped: false }, { candidates: 'only' }, { candidates: 'exclude' }, { brand: 'Acmé "Q"' }, { productPartNumber: 'P\\1' }];

  it('is byte for byte each row of the answer as its line, in the same order, whatever the scope, filter and history', async () => {
    let compared = 0;
    for (const scope of scopes) {
      for (const filter of filters) {
        for (const history of [false, true]) {
          const { rows, chunks } = await bothOf(world(), scope, filter, history);
          expect(chunks.map((c) => c.text).join('')).toBe(rows.map((r) => `${whereUsedRowJson(r)}\n`).join(''));
          compared += rows.length;
        }
      }
    }
    expect(compared).toBeGreaterThan(50);
  });

  it('gives whole lines in each chunk and counts them, however small the chunk', async () => {
    for (const chunk of [1, 200]) {
      const { rows, chunks } = await bothOf(world(), SITE_WIDE, {}, true, chunk);
      expect(chunks.length).toBeGreaterThan(1);
      for (const c of chunks) {
        expect(c.text.endsWith('\n')).toBe(true);
        expect(c.text.split('\n').length - 1).toBe(c.rows);
      }
      expect(chunks.reduce((n, c) => n + c.rows, 0)).toBe(rows.length);
      expect(chunks.map((c) => c.text).join('')).toBe(rows.map((r) => `${whereUsedRowJson(r)}\n`).join(''));
    }
  });

  it('writes each row of a shipped top-level unit with its own serial and path, the top written once for all', async () => {
    // Several boards in one shipped system: the system's fields are written once and reused, the rest per row.
    const boards = ['B1', 'B2', 'B3'];
    const events = [
      ev('MaterialReceived', { receiptId: 'GR', vendorId: 'V', manufacturer: 'M', mpn: 'X', internalPartNumber: 'I', vendorLotCode: 'L', receivedAt: at, uom: 'pcs', packages: [{ lotId: 'REEL-A', quantity: 100 }] }, 0),
      ev('UnitStarted', { serial: 'SYS', brand: 'Acme', productPartNumber: 'S', workOrder: 'WO' }, 1),
      ...boards.flatMap((serial) => [
        ev('UnitStarted', { serial, brand: 'Acme', productPartNumber: 'B', workOrder: 'WO' }, 1),
        ev('MaterialInstalled', { serial, lotId: 'REEL-A', quantity: 1, refDes: ['U1'] }, 2),
        ev('UnitAssembled', { serial: 'SYS', childSerial: serial }, 3),
      ]),
      ev('UnitShipped', { serial: 'SYS', shipmentId: 'SH1', customer: 'C' }, 4),
    ];
    const { rows, chunks } = await bothOf(events, SITE_WIDE, {}, false);
    expect(rows.map((r) => [r.serial, r.topSerial, r.shipped])).toEqual(boards.map((b) => [b, 'SYS', true]));
    expect(chunks.map((c) => c.text).join('')).toBe(rows.map((r) => `${whereUsedRowJson(r)}\n`).join(''));
  });
});
