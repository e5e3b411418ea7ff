import { TraceEvent, vendorLotId } from '@trace/contracts';
import { testEvents } from '@trace/contracts/testing';
import { readerOf, storeOf } from '../testing/fake-graph';
import { SITE_WIDE } from '../genealogy.types';
import { sampleUnitsOfProducts, unitsOfProducts } from './product-units';
import { ForwardTracer, whereUsedOfLot, whereUsedOfVendor, whereUsedOfVendorLot } from './where-used';
import type { GenealogyRepository } from '../storage/genealogy.repository';
import { type PositionedRow, type RowPosition, RowPositionNotFound, type WhereUsedRow } from './where-used.types';

const t = (m: number) => new Date(Date.UTC(2026, 10, 1, 8, m)).toISOString();
const ev = testEvents('w', { minute: 0 });

// REEL-A (vendor lot V/CAP/VL1) is split into A1 and A2; A1 is merged with REEL-B into M; M goes into CELL,
// which is built into MOD, into SUB, into TOP (three levels up); A2 goes into a unit of another brand.
function scenario(): TraceEvent[] {
  return [
    ev('MaterialReceived', { receiptId: 'R1', vendorId: 'V', manufacturer: 'M', mpn: 'CAP', internalPartNumber: 'C', vendorLotCode: 'VL1', receivedAt: t(0), uom: 'pcs', packages: [{ lotId: 'REEL-A', quantity: 100 }] }),
    ev('MaterialReceived', { receiptId: 'R2', vendorId: 'V', manufacturer: 'M', mpn: 'RES', internalPartNumber: 'R', vendorLotCode: 'VL2', receivedAt: t(0), uom: 'pcs', packages: [{ lotId: 'REEL-B', quantity: 100 }] }),
    ev('MaterialReceived', { receiptId: 'R3', vendorId: 'W', manufacturer: 'M', mpn: 'IC', internalPartNumber: 'I', vendorLotCode: 'VL3', receivedAt: t(0), uom: 'pcs', packages: [{ lotId: 'TRAY-X', quantity: 10 }] }),
    ev('LotSplit', { sourceLotId: 'REEL-A', newLots: [{ lotId: 'A1', quantity: 60 }, { lotId: 'A2', quantity: 40 }] }, 1),
    ev('LotMerged', { sourceLotIds: ['A1', 'REEL-B'], lotId: 'M' }, 2),
    ev('UnitStarted', { serial: 'CELL', brand: 'Acme', productPartNumber: 'P-CELL', workOrder: 'WO1' }, 3),
    ev('MaterialInstalled', { serial: 'CELL', lotId: 'M', quantity: 1, refDes: ['R1'] }, 4),
    ev('UnitAssembled', { serial: 'MOD', childSerial: 'CELL' }, 5),
    ev('UnitAssembled', { serial: 'SUB', childSerial: 'MOD' }, 6),
    ev('UnitAssembled', { serial: 'TOP', childSerial: 'SUB' }, 7),
    ev('UnitStarted', { serial: 'TOP', brand: 'Acme', productPartNumber: 'P-TOP', workOrder: 'WO2' }, 3),
    ev('UnitShipped', { serial: 'TOP', shipmentId: 'SHP-1', customer: 'Northwind' }, 8),
    ev('UnitStarted', { serial: 'OTHER', brand: 'Globex', productPartNumber: 'P-OTHER', workOrder: 'WO3' }, 3),
    ev('MaterialInstalled', { serial: 'OTHER', lotId: 'A2', quantity: 1, refDes: ['C1'] }, 4),
    ev('MaterialInstalled', { serial: 'OTHER', lotId: 'TRAY-X', quantity: 1, refDes: ['U1'] }, 4),
    ev('UnitStarted', { serial: 'UNRELATED', brand: 'Acme', productPartNumber: 'P-TOP', workOrder: 'WO2' }, 3),
    ev('MaterialInstalled', { serial: 'UNRELATED', lotId: 'TRAY-X', quantity: 1, refDes: ['U1'] }, 4),
  ];
}
const build = (events = scenario()) => storeOf(events);
const collect = async (rows: AsyncGenerator<WhereUsedRow>): Promise<WhereUsedRow[]> => {
  const out: WhereUsedRow[] = [];
  for await (const r of rows) out.push(r);
  return out;
};
const brief = (r: WhereUsedRow) => `${r.lotId}>${r.serial}>${r.topSerial}`;

describe('where-used of a package lot', () => {
  it('finds the serials through a split, a merge and three levels of assembly, and nothing else', async () => {
    const w = (await whereUsedOfLot(readerOf(build()), 'REEL-A', SITE_WIDE))!;
    const rows = await collect(w.rows({}, SITE_WIDE));
    expect(rows.map(brief).sort()).toEqual(['A2>OTHER>OTHER', 'M>CELL>TOP']);
    expect(w.lots.map((l) => l.lotId)).toEqual(['REEL-A', 'A1', 'A2', 'M']);
  });

  it('gives the top-level unit, its brand, product and shipment, and the path from the lot', async () => {
    const w = (await whereUsedOfLot(readerOf(build()), 'REEL-A', SITE_WIDE))!;
    const row = (await collect(w.rows({}, SITE_WIDE))).find((r) => r.serial === 'CELL')!;
    expect(row).toMatchObject({ topSerial: 'TOP', brand: 'Acme', productPartNumber: 'P-TOP', shipped: true, shipments: [{ shipmentId: 'SHP-1', customer: 'Northwind' }] });
    expect(row.path.map((p) => `${p.kind}:${p.id}:${p.via}`)).toEqual([
      'lot:REEL-A:root', 'lot:A1:split', 'lot:M:merge', 'serial:CELL:installed', 'serial:MOD:assembled', 'serial:SUB:assembled', 'serial:TOP:assembled',
    ]);
  });

  it('filters on the top-level unit: brand, product, shipped', async () => {
    const w = (await whereUsedOfLot(readerOf(build()), 'REEL-A', SITE_WIDE))!;
    expect((await collect(w.rows({ brand: 'Globex' }, SITE_WIDE))).map(brief)).toEqual(['A2>OTHER>OTHER']);
    expect((await collect(w.rows({ productPartNumber: 'P-TOP' }, SITE_WIDE))).map(brief)).toEqual(['M>CELL>TOP']);
    expect((await collect(w.rows({ shipped: false }, SITE_WIDE))).map(brief)).toEqual(['A2>OTHER>OTHER']);
    expect(await collect(w.rows({ shipped: true, brand: 'Globex' }, SITE_WIDE))).toEqual([]);
  });

  it('lists only units of the brands in scope, reached through units of those brands', async () => {
    const acme = { kind: 'brands', brands: ['Acme'] } as const;
    const started = ['MOD', 'SUB'].map((serial) => ev('UnitStarted', { serial, brand: 'Acme', productPartNumber: `P-${serial}`, workOrder: 'WO1' }, 3));
    const w = (await whereUsedOfLot(readerOf(build([...scenario(), ...started])), 'REEL-A', acme))!;
    expect((await collect(w.rows({}, acme))).map(brief)).toEqual(['M>CELL>TOP']);
    // MOD and SUB never started: of no known brand, so outside every brand's scope (the genealogy withholds them too).
    const unstarted = (await whereUsedOfLot(readerOf(build()), 'REEL-A', acme))!;
    expect(await collect(unstarted.rows({}, acme))).toEqual([]);
  });

  it("answers a lot used only in another brand's units as it answers an unknown lot", async () => {
    const events = [...scenario(), ev('MaterialInstalled', { serial: 'OTHER', lotId: 'ONLY-OTHER', quantity: 1, refDes: ['C2'] }, 4)];
    expect(await whereUsedOfLot(readerOf(build(events)), 'ONLY-OTHER', { kind: 'brands', brands: ['Acme'] })).toBeNull();
    expect(await whereUsedOfLot(readerOf(build(events)), 'ONLY-OTHER', { kind: 'brands', brands: ['Globex'] })).not.toBeNull();
  });

  it('climbs one serial to learn that a lot known only through units has a row the brand may see', async () => {
    const events: TraceEvent[] = [];
    for (let i = 0; i < 500; i++) {
      events.push(ev('UnitStarted', { serial: `K${i}`, brand: 'Acme', productPartNumber: 'AX', workOrder: 'WO' }, 1));
      events.push(ev('MaterialInstalled', { serial: `K${i}`, lotId: 'UNITS-ONLY', quantity: 1, refDes: [] }, 2));
    }
    const reader = readerOf(build(events));
    const acme = { kind: 'brands', brands: ['Acme'] } as const;
    expect(await whereUsedOfLot(reader, 'UNITS-ONLY', acme)).not.toBeNull();
    // One serial, not the first batch of 100 a page without `wanted` climbs.
    expect(reader.reads.filter((r) => r.collection === 'units').flatMap((r) => r.ids)).toHaveLength(1);
  });

  it('looks past serials of units in conflict for one the brand may see, and answers null when there is none', async () => {
    const events: TraceEvent[] = [];
    for (let i = 0; i < 300; i++) {
      for (const brand of ['Acme', 'Globex']) events.push(ev('UnitStarted', { serial: `C${i}`, brand, productPartNumber: 'CX', workOrder: 'WO' }, 1));
      events.push(ev('MaterialInstalled', { serial: `C${i}`, lotId: 'IN-CONFLICT', quantity: 1, refDes: [] }, 2));
    }
    const acme = { kind: 'brands', brands: ['Acme'] } as const;
    expect(await whereUsedOfLot(readerOf(build(events)), 'IN-CONFLICT', acme)).toBeNull();
    const seen = [...events, ev('UnitStarted', { serial: 'C-ACME', brand: 'Acme', productPartNumber: 'CX', workOrder: 'WO' }, 1), ev('MaterialInstalled', { serial: 'C-ACME', lotId: 'IN-CONFLICT', quantity: 1, refDes: [] }, 2)];
    expect(await whereUsedOfLot(readerOf(build(seen)), 'IN-CONFLICT', acme)).not.toBeNull();
  });

  it("reads nothing of another brand's uses of a lot for a scoped caller", async () => {
    const events: TraceEvent[] = [ev('MaterialReceived', { receiptId: 'RS', vendorId: 'V', manufacturer: 'M', mpn: 'S', internalPartNumber: 'S', vendorLotCode: 'VS', receivedAt: t(0), uom: 'pcs', packages: [{ lotId: 'SHARED', quantity: 1e6 }] })];
    for (let i = 0; i < 500; i++) {
      events.push(ev('UnitStarted', { serial: `G${i}`, brand: 'Globex', productPartNumber: 'GX', workOrder: 'WO' }, 1));
      events.push(ev('MaterialInstalled', { serial: `G${i}`, lotId: 'SHARED', quantity: 1, refDes: [] }, 2));
    }
    const reader = readerOf(build(events));
    const acme = { kind: 'brands', brands: ['Acme'] } as const;
    expect(await collect((await whereUsedOfLot(reader, 'SHARED', acme))!.rows({}, acme))).toEqual([]);
    expect(reader.reads.filter((r) => r.collection === 'units' || r.collection === 'lotUses' || r.collection === 'lotBrandUses').flatMap((r) => r.ids)).toEqual([]);
  });

  it('is the same answer whatever order the events arrived in', async () => {
    const reversed = [...scenario()].reverse();
    const a = await collect((await whereUsedOfLot(readerOf(build()), 'REEL-A', SITE_WIDE))!.rows({}, SITE_WIDE));
    const b = await collect((await whereUsedOfLot(readerOf(build(reversed)), 'REEL-A', SITE_WIDE))!.rows({}, SITE_WIDE));
    expect(b).toEqual(a);
  });

  it('is null for a lot no event ever named', async () => {
    expect(await whereUsedOfLot(readerOf(build()), 'NOPE', SITE_WIDE)).toBeNull();
  });

  it('takes one round trip per level: lot lineage, buckets, then each level of assembly', async () => {
    const reader = readerOf(build());
    const w = (await whereUsedOfLot(reader, 'REEL-A', SITE_WIDE))!;
    await collect(w.rows({}, SITE_WIDE));
    // REEL-A; A1+A2; M (+ the empty next level is not read); 1 bucket read; CELL+OTHER, MOD, SUB, TOP.
    expect(w.stats.roundTrips).toBe(3 + 1 + 4);
    expect(reader.reads.every((r) => new Set(r.ids).size === r.ids.length)).toBe(true);
  });

  it('reads only the non-empty buckets of a lot used in thousands of serials, in bounded batches', async () => {
    const events: TraceEvent[] = [ev('MaterialReceived', { receiptId: 'RB', vendorId: 'V', manufacturer: 'M', mpn: 'BIG', internalPartNumber: 'B', vendorLotCode: 'VB', receivedAt: t(0), uom: 'pcs', packages: [{ lotId: 'BIG', quantity: 1e6 }] })];
    for (let i = 0; i < 3000; i++) events.push(ev('MaterialInstalled', { serial: `S${i}`, lotId: 'BIG', quantity: 1, refDes: [] }, 1));
    const store = build(events);
    const reader = readerOf(store);
    const w = (await whereUsedOfLot(reader, 'BIG', SITE_WIDE, { buckets: 100, serials: 500 }))!;
    const rows = await collect(w.rows({}, SITE_WIDE));
    expect(new Set(rows.map((r) => r.serial)).size).toBe(3000);
    const bucketReads = reader.reads.filter((r) => r.collection === 'lotUses');
    expect(bucketReads.every((r) => r.ids.length <= 100)).toBe(true);
    expect(bucketReads.reduce((s, r) => s + r.ids.length, 0)).toBe(store.lotUses!.size);
    expect(reader.reads.filter((r) => r.collection === 'units').every((r) => r.ids.length <= 500)).toBe(true);
  });
});

describe('where-used paging by position', () => {
  // BIG in 400 serials over many buckets; TWIN is built into two top-level units, so its one use gives two rows.
  function bigLot(): TraceEvent[] {
    const events: TraceEvent[] = [ev('MaterialReceived', { receiptId: 'RP', vendorId: 'V', manufacturer: 'M', mpn: 'BIG', internalPartNumber: 'B', vendorLotCode: 'VP', receivedAt: t(0), uom: 'pcs', packages: [{ lotId: 'BIG', quantity: 1e6 }] })];
    for (let i = 0; i < 400; i++) events.push(ev('MaterialInstalled', { serial: `S${i}`, lotId: 'BIG', quantity: 1, refDes: [] }, 1));
    events.push(ev('MaterialInstalled', { serial: 'TWIN', lotId: 'BIG', quantity: 1, refDes: [] }, 1));
    events.push(ev('UnitAssembled', { serial: 'TOP-1', childSerial: 'TWIN' }, 2), ev('UnitAssembled', { serial: 'TOP-2', childSerial: 'TWIN' }, 2));
    return events;
  }

  it('resumes at any row\'s position with exactly the rows after it, a use of two rows included', async () => {
    const reader = readerOf(build(bigLot()));
    const w = (await whereUsedOfLot(reader, 'BIG', SITE_WIDE, { buckets: 16, serials: 50 }))!;
    const all: { row: WhereUsedRow; next: RowPosition }[] = [];
    for await (const r of w.rowsFrom({}, SITE_WIDE, {})) all.push(r);
    expect(all.map((r) => r.row)).toEqual(await collect(w.rows({}, SITE_WIDE)));
    const twin = all.findIndex((r) => r.row.serial === 'TWIN');
    expect(all[twin + 1]!.row.serial).toBe('TWIN');
    for (const i of [0, 1, 57, twin - 1, twin, twin + 1, all.length - 2, all.length - 1]) {
      const rest: WhereUsedRow[] = [];
      for await (const { row } of w.rowsFrom({}, SITE_WIDE, { from: all[i]!.next })) rest.push(row);
      expect(rest.map(brief)).toEqual(all.slice(i + 1).map((r) => brief(r.row)));
    }
  });

  it('reads none of the buckets before the position it resumes at', async () => {
    const reader = readerOf(build(bigLot()));
    const w = (await whereUsedOfLot(reader, 'BIG', SITE_WIDE, { buckets: 16, serials: 50 }))!;
    const all: { row: WhereUsedRow; next: RowPosition }[] = [];
    for await (const r of w.rowsFrom({}, SITE_WIDE, {})) all.push(r);
    const order = [...new Set(all.map((r) => r.next.bucket))];
    const from = all[300]!.next;
    reader.reads.length = 0;
    for await (const _ of w.rowsFrom({}, SITE_WIDE, { from })) break;
    const read = reader.reads.filter((r) => r.collection === 'lotUses').flatMap((r) => r.ids);
    expect(read[0]).toBe(from.bucket);
    expect(read.some((id) => order.indexOf(id) < order.indexOf(from.bucket))).toBe(false);
  });

  it('refuses a position whose bucket the answer does not have', async () => {
    const w = (await whereUsedOfLot(readerOf(build(bigLot())), 'BIG', SITE_WIDE))!;
    const rows = w.rowsFrom({}, SITE_WIDE, { from: { bucket: 'no such bucket', serial: 'S1', skip: 0 } });
    await expect(rows.next()).rejects.toBeInstanceOf(RowPositionNotFound);
  });
});

describe('where-used pages', () => {
  // A lot in `n` serials, one row each; every `shippedEvery`th serial shipped (its own top-level unit).
  function lotIn(n: number, shippedEvery = 0): TraceEvent[] {
    const events: TraceEvent[] = [ev('MaterialReceived', { receiptId: 'RG', vendorId: 'V', manufacturer: 'M', mpn: 'PG', internalPartNumber: 'P', vendorLotCode: 'VG', receivedAt: t(0), uom: 'pcs', packages: [{ lotId: 'PG', quantity: 1e6 }] })];
    for (let i = 0; i < n; i++) {
      events.push(ev('MaterialInstalled', { serial: `G${i}`, lotId: 'PG', quantity: 1, refDes: [] }, 1));
      if (shippedEvery > 0 && i % shippedEvery === 0) events.push(ev('UnitShipped', { serial: `G${i}`, shipmentId: `SH${i}`, customer: 'C' }, 2));
    }
    return events;
  }
  // A page as the API reads it: its rows and one past them, asked for as wanted.
  const page = async (rows: AsyncGenerator<PositionedRow>, wanted: number): Promise<PositionedRow[]> => {
    const out: PositionedRow[] = [];
    for await (const r of rows) if (out.push(r) === wanted) break;
    return out;
  };
  const serialsRead = (reader: ReturnType<typeof readerOf>): number => reader.reads.filter((r) => r.collection === 'units').reduce((n, r) => n + r.ids.length, 0);

  it('climbs only the serials a first page needs, with the same rows and positions', async () => {
    const store = build(lotIn(3000));
    const reader = readerOf(store);
    const w = (await whereUsedOfLot(reader, 'PG', SITE_WIDE))!;
    const first = await page(w.rowsFrom({}, SITE_WIDE, { wanted: 1001 }), 1001);
    // 1,001 serials of one row each, not the 1,500 of whole batches (100, 200, 400, 800).
    expect(serialsRead(reader)).toBe(1001);
    const unbounded = (await whereUsedOfLot(readerOf(store), 'PG', SITE_WIDE))!;
    expect(first).toEqual(await page(unbounded.rowsFrom({}, SITE_WIDE, {}), 1001));
    const from = first[999]!.next;
    const second = await page(w.rowsFrom({}, SITE_WIDE, { from, wanted: 1001 }), 1001);
    expect(second).toEqual(await page(unbounded.rowsFrom({}, SITE_WIDE, { from }), 1001));
    expect(second[0]!.row.serial).toBe(first[1000]!.row.serial);
  });

  it('keeps its batches growing when most serials give no row, and stops when the uses end', async () => {
    const store = build(lotIn(2000, 10));
    const reader = readerOf(store);
    const w = (await whereUsedOfLot(reader, 'PG', SITE_WIDE))!;
    const shipped = await page(w.rowsFrom({ shipped: true }, SITE_WIDE, { wanted: 51 }), 51);
    expect(shipped.map((r) => r.row)).toEqual((await collect(w.rows({ shipped: true }, SITE_WIDE))).slice(0, 51));
    // About ten serials a row: some 510 serials in a few climbs, not one climb a serial once the page is nearly full.
    reader.reads.length = 0;
    await page(w.rowsFrom({ shipped: true }, SITE_WIDE, { wanted: 51 }), 51);
    expect(serialsRead(reader)).toBeLessThan(700);
    expect(reader.reads.filter((r) => r.collection === 'units').length).toBeLessThanOrEqual(4);
    const all = await page(w.rowsFrom({ shipped: true }, SITE_WIDE, { wanted: 1000 }), 1000);
    expect(all).toHaveLength(200);
  });
});

describe('where-used memory', () => {
  it('reads as many buckets at once as hold about one batch of serials, however full they are', async () => {
    const events: TraceEvent[] = [ev('MaterialReceived', { receiptId: 'RD', vendorId: 'V', manufacturer: 'M', mpn: 'DENSE', internalPartNumber: 'D', vendorLotCode: 'VD', receivedAt: t(0), uom: 'pcs', packages: [{ lotId: 'DENSE', quantity: 1e6 }] })];
    for (let i = 0; i < 20_000; i++) events.push(ev('MaterialInstalled', { serial: `D${i}`, lotId: 'DENSE', quantity: 1, refDes: [] }, 1));
    const reader = readerOf(build(events));
    const w = (await whereUsedOfLot(reader, 'DENSE', SITE_WIDE, { buckets: 256, serials: 200 }))!;
    let rows = 0;
    for await (const _ of w.rows({}, SITE_WIDE)) rows++;
    expect(rows).toBe(20_000);
    // ~20 serials a bucket: after the first read, about 200 / 20 = 10 buckets a read, never 256.
    const sizes = reader.reads.filter((r) => r.collection === 'lotUses').map((r) => r.ids.length);
    expect(Math.max(...sizes.slice(1))).toBeLessThanOrEqual(12);
  });
});

describe('where-used reads', () => {
  // 400 boards with one reel, every 4 built into a system: the boards' buckets are by hash, so a system's boards fall in
  // different batches of 100.
  function boardsInSystems(): TraceEvent[] {
    const events: TraceEvent[] = [ev('MaterialReceived', { receiptId: 'RQ', vendorId: 'V', manufacturer: 'M', mpn: 'Q', internalPartNumber: 'Q', vendorLotCode: 'VQ', receivedAt: t(0), uom: 'pcs', packages: [{ lotId: 'Q', quantity: 1e6 }] })];
    for (let b = 0; b < 400; b++) {
      events.push(ev('MaterialInstalled', { serial: `QB${b}`, lotId: 'Q', quantity: 1, refDes: [] }, 1));
      events.push(ev('UnitAssembled', { serial: `QS${Math.floor(b / 4)}`, childSerial: `QB${b}` }, 2));
    }
    return events;
  }
  const unitReads = (reader: ReturnType<typeof readerOf>, prefix: string): string[] =>
    reader.reads.filter((r) => r.collection === 'units').flatMap((r) => r.ids).filter((id) => id.startsWith(prefix));

  it('reads a unit built from serials of several batches once per answer, also when batches read side by side want it', async () => {
    const reader = readerOf(build(boardsInSystems()));
    const w = (await whereUsedOfLot(reader, 'Q', SITE_WIDE, { buckets: 256, serials: 100 }))!;
    const rows = await collect(w.rows({}, SITE_WIDE));
    expect(rows).toHaveLength(400);
    expect(rows.every((r) => r.topSerial === `QS${Math.floor(Number(r.serial.slice(2)) / 4)}`)).toBe(true);
    const systems = unitReads(reader, 'QS');
    expect(systems).toHaveLength(100);
    expect(new Set(systems).size).toBe(100);
    // The same as NDJSON lines written straight from the climb.
    const lines = readerOf(build(boardsInSystems()));
    let text = '';
    for await (const c of (await whereUsedOfLot(lines, 'Q', SITE_WIDE, { buckets: 256, serials: 100 }))!.lines({}, SITE_WIDE)) text += c.text;
    expect(text.trim().split('\n')).toHaveLength(400);
    expect(unitReads(lines, 'QS')).toHaveLength(100);
  });

  it('reads the next two batches while the rows of this one are taken (rows), none for a page (rowsFrom)', async () => {
    const settle = (): Promise<void> => new Promise((r) => setImmediate(r));
    const ahead = readerOf(build(boardsInSystems()));
    const rows = (await whereUsedOfLot(ahead, 'Q', SITE_WIDE, { buckets: 256, serials: 100 }))!.rows({}, SITE_WIDE);
    await rows.next();
    await settle();
    expect(unitReads(ahead, 'QB')).toHaveLength(300);
    const page = readerOf(build(boardsInSystems()));
    const positioned = (await whereUsedOfLot(page, 'Q', SITE_WIDE, { buckets: 256, serials: 100 }))!.rowsFrom({}, SITE_WIDE, {});
    await positioned.next();
    await settle();
    expect(unitReads(page, 'QB')).toHaveLength(100);
    await rows.return(undefined);
    await positioned.return(undefined);
  });

  it('looks up no retraction while none was ever recorded, and every read\'s once one was', async () => {
    const store = build();
    const repo = (anyRetraction: boolean) => {
      const reader = readerOf(store);
      return { reader, tracer: new ForwardTracer({ ...reader, anyRetraction: () => Promise.resolve(anyRetraction) } as unknown as GenealogyRepository) };
    };
    const none = repo(false);
    const some = repo(true);
    const rowsOf = async (tracer: ForwardTracer) => (await collect((await tracer.fromLot('REEL-A', SITE_WIDE))!.rows({}, SITE_WIDE))).map(brief).sort();
    expect(await rowsOf(none.tracer)).toEqual(['A2>OTHER>OTHER', 'M>CELL>TOP']);
    expect(await rowsOf(some.tracer)).toEqual(['A2>OTHER>OTHER', 'M>CELL>TOP']);
    expect(none.reader.reads.filter((r) => r.collection === 'retractions')).toEqual([]);
    expect(some.reader.reads.filter((r) => r.collection === 'retractions').length).toBeGreaterThan(0);
  });
});

describe('where-used of a vendor lot and a vendor', () => {
  it('starts from every package received of the vendor lot', async () => {
    const w = (await whereUsedOfVendorLot(readerOf(build()), vendorLotId({ vendorId: 'V', mpn: 'CAP', vendorLotCode: 'VL1' }), SITE_WIDE))!;
    const rows = await collect(w.rows({}, SITE_WIDE));
    expect(rows.map(brief).sort()).toEqual(['A2>OTHER>OTHER', 'M>CELL>TOP']);
    expect(rows.find((r) => r.serial === 'CELL')!.path.slice(0, 2).map((p) => `${p.kind}:${p.via}`)).toEqual(['vendorLot:root', 'lot:received']);
  });

  it('reaches every vendor lot of a vendor, each serial once per installed lot', async () => {
    const w = (await whereUsedOfVendor(readerOf(build()), 'V', SITE_WIDE))!;
    expect(w.vendorLots.map((v) => v.vendorLotId)).toEqual([vendorLotId({ vendorId: 'V', mpn: 'CAP', vendorLotCode: 'VL1' }), vendorLotId({ vendorId: 'V', mpn: 'RES', vendorLotCode: 'VL2' })]);
    const rows = await collect(w.rows({}, SITE_WIDE));
    // M descends from both vendor lots but is reached once.
    expect(rows.map(brief).sort()).toEqual(['A2>OTHER>OTHER', 'M>CELL>TOP']);
    expect(await whereUsedOfVendor(readerOf(build()), 'NOPE', SITE_WIDE)).toBeNull();
  });
});

describe('units of a product', () => {
  it('counts the units started of each product, of the brands in scope only, replays once', async () => {
    const events = scenario();
    const store = build([...events, ...events.filter((e) => e.type === 'UnitStarted')]);
    const site = await unitsOfProducts(readerOf(store), ['P-TOP', 'P-OTHER', 'NOPE'], SITE_WIDE);
    expect(Object.fromEntries(site)).toEqual({ 'P-TOP': 2, 'P-OTHER': 1, NOPE: 0 });
    const acme = await unitsOfProducts(readerOf(store), ['P-TOP', 'P-OTHER'], { kind: 'brands', brands: ['Acme'] });
    expect(Object.fromEntries(acme)).toEqual({ 'P-TOP': 2, 'P-OTHER': 0 });
  });
});

describe('a sample of a product', () => {
  it('takes other units of the product, of brands in scope, deterministically', async () => {
    const events = [...scenario()];
    for (let i = 0; i < 50; i++) events.push(ev('UnitStarted', { serial: `T${i}`, brand: i % 2 ? 'Acme' : 'Globex', productPartNumber: 'P-TOP', workOrder: 'W' }, 3));
    const store = build(events);
    const a = await sampleUnitsOfProducts(readerOf(store), ['P-TOP'], { kind: 'brands', brands: ['Acme'] }, 10, new Set(['TOP']));
    expect(a).toHaveLength(10);
    expect(a).not.toContain('TOP');
    expect(a.every((s) => s === 'UNRELATED' || Number(s.slice(1)) % 2 === 1)).toBe(true);
    expect(await sampleUnitsOfProducts(readerOf(store), ['P-TOP'], { kind: 'brands', brands: ['Acme'] }, 10, new Set(['TOP']))).toEqual(a);
  });
});
