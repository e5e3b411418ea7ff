import { makeEvent, TraceEvent } from '@trace/contracts';
import { gatewayScenario } from '@trace/contracts/testing';
import { TestWorld } from './support/harness';

interface Row {
  lotId: string;
  serial: string;
  topSerial: string;
  brand?: string;
  productPartNumber?: string;
  shipped: boolean;
  shipments: { shipmentId: string; customer: string }[];
  path: { kind: string; id: string; via: string }[];
}
const brief = (r: Row): string => `${r.lotId}>${r.serial}>${r.topSerial}`;
const at = (minute: number): string => new Date(Date.UTC(2026, 10, 3, 6, minute)).toISOString();

// The demo gateway, built one level further into a rack (so the regulator module sits three levels below
// the top), one of the split reels also used by another brand, and a reel used in 25 units for paging.
function world(): { events: TraceEvent[]; pagingSerials: string[] } {
  const s = gatewayScenario();
  const extra: TraceEvent[] = [
    makeEvent('UnitStarted', { serial: 'RACK-0001', brand: 'Acme', productPartNumber: 'RACK-9', workOrder: 'WO-4001' }, { occurredAt: at(0) }),
    makeEvent('UnitAssembled', { serial: 'RACK-0001', childSerial: s.ids.top, refDes: 'SLOT1' }, { occurredAt: at(1) }),
    makeEvent('UnitShipped', { serial: 'RACK-0001', shipmentId: 'SHP-9100', customer: 'Contoso' }, { occurredAt: at(2) }),
    makeEvent('UnitStarted', { serial: 'GLX-0001', brand: 'Globex', productPartNumber: 'GX-1', workOrder: 'WO-5001' }, { occurredAt: at(0) }),
    makeEvent('MaterialInstalled', { serial: 'GLX-0001', lotId: 'REEL-C1B', quantity: 2, refDes: ['C1', 'C2'] }, { occurredAt: at(1) }),
    makeEvent('MaterialReceived', {
      receiptId: 'GR-2001', vendorId: s.ids.vendors.murata, manufacturer: 'Murata', mpn: 'GRM155', internalPartNumber: 'CAP-1N', vendorLotCode: 'P1',
      receivedAt: at(0), uom: 'pcs', packages: [{ lotId: 'REEL-P', quantity: 10_000 }],
    }, { occurredAt: at(0) }),
  ];
  const pagingSerials = Array.from({ length: 25 }, (_, i) => `P-${String(i).padStart(3, '0')}`);
  for (const serial of pagingSerials) {
    extra.push(makeEvent('UnitStarted', { serial, brand: 'Acme', productPartNumber: 'PP-1', workOrder: 'WO-6001' }, { occurredAt: at(3) }));
    extra.push(makeEvent('MaterialInstalled', { serial, lotId: 'REEL-P', quantity: 1, refDes: ['C7'] }, { occurredAt: at(4) }));
  }
  return { events: [...s.events, ...extra], pagingSerials };
}

describe('where-used over real Kafka and MongoDB', () => {
  const w = new TestWorld('where_used');
  const { events, pagingSerials } = world();
  const murataM2345 = 'vendorId=V-MURATA&mpn=GRM188R71C104KA01D&vendorLotCode=M2345';

  beforeAll(async () => {
    await Promise.all([w.startIngest(), w.startApi()]);
    // Newest first across all topics, every third event twice: where-used must not depend on arrival.
    const reversed = [...events].reverse();
    await w.produce([...reversed, ...reversed.filter((_, i) => i % 3 === 0)]);
    await w.waitForIngest();
  });
  afterAll(() => w.close());

  it('finds a unit three levels above the serial that holds a lot reached through a merge, and nothing else', async () => {
    const { status, body } = await w.get('/v1/lots/REEL-S1/where-used');
    expect(status).toBe(200);
    expect(body.total).toBe(1);
    expect(body.items.map(brief)).toEqual(['REEL-SM>REG1-0001>RACK-0001']);
    expect(body.items[0]).toMatchObject({ brand: 'Acme', productPartNumber: 'RACK-9', shipped: true, shipments: [{ shipmentId: 'SHP-9100', customer: 'Contoso' }] });
    expect(body.items[0].path.map((p: Row['path'][number]) => `${p.kind}:${p.id}:${p.via}`)).toEqual([
      'lot:REEL-S1:root', 'lot:REEL-SM:merge', 'serial:REG1-0001:installed', 'serial:PWR10-0001:assembled', 'serial:GW100-0001:assembled', 'serial:RACK-0001:assembled',
    ]);
    expect(body.lots.map((l: { lotId: string }) => l.lotId)).toEqual(['REEL-S1', 'REEL-SM']);
  });

  it('follows a split into every serial of every brand that holds one of its parts', async () => {
    const { body } = await w.get('/v1/lots/REEL-C1/where-used');
    expect(body.items.map(brief).sort()).toEqual(['REEL-C1A>PWR10-0001>RACK-0001', 'REEL-C1B>GLX-0001>GLX-0001', 'REEL-C1B>GW100-0002>GW100-0002']);
    expect(body.total).toBe(3);
    expect(body.nextCursor).toBeUndefined();
  });

  it('filters on the top-level unit by brand, product and shipped state', async () => {
    const get = async (q: string) => (await w.get(`/v1/lots/REEL-C1/where-used?${q}`)).body.items.map(brief).sort();
    expect(await get('brand=Globex')).toEqual(['REEL-C1B>GLX-0001>GLX-0001']);
    expect(await get('product=GW-100')).toEqual(['REEL-C1B>GW100-0002>GW100-0002']);
    expect(await get('shipped=false')).toEqual(['REEL-C1B>GLX-0001>GLX-0001', 'REEL-C1B>GW100-0002>GW100-0002']);
    expect(await get('shipped=true&brand=Acme')).toEqual(['REEL-C1A>PWR10-0001>RACK-0001']);
  });

  it('answers for a vendor lot through every package received of it', async () => {
    const { status, body } = await w.get(`/v1/vendor-lots/where-used?${murataM2345}`);
    expect(status).toBe(200);
    expect(body.vendorLotId).toBe(JSON.stringify(['V-MURATA', 'GRM188R71C104KA01D', 'M2345']));
    expect(body.items.map(brief).sort()).toEqual([
      'REEL-C1A>PWR10-0001>RACK-0001', 'REEL-C1B>GLX-0001>GLX-0001', 'REEL-C1B>GW100-0002>GW100-0002', 'REEL-C2>GW100-0001>RACK-0001',
    ]);
    expect(body.items[0].path[0]).toEqual({ kind: 'vendorLot', id: body.vendorLotId, via: 'root' });
  });

  it('pages with an opaque cursor that resumes where the last page stopped: every row once, the total on the last page or when asked', async () => {
    for (const counted of [false, true]) {
      const seen: string[] = [];
      let cursor: string | undefined;
      const totals: (number | undefined)[] = [];
      do {
        const { status, body } = await w.get(`/v1/lots/REEL-P/where-used?limit=10${counted ? '&total=true' : ''}${cursor ? `&cursor=${cursor}` : ''}`);
        expect(status).toBe(200);
        totals.push(body.total);
        seen.push(...body.items.map((r: Row) => r.serial));
        cursor = body.nextCursor;
      } while (cursor);
      expect(totals).toEqual(counted ? [25, 25, 25] : [undefined, undefined, 25]);
      expect(seen.sort()).toEqual(pagingSerials);
    }
  });

  it('streams every row as NDJSON, by query parameter or by Accept header', async () => {
    for (const [path, headers] of [['/v1/lots/REEL-P/where-used?format=ndjson', {}], ['/v1/lots/REEL-P/where-used', { accept: 'application/x-ndjson' }]] as const) {
      const res = await fetch(`${w.apiUrl}${path}`, { headers: w.headers(undefined, headers) });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('application/x-ndjson');
      const lines = (await res.text()).trim().split('\n').map((l) => JSON.parse(l) as Row);
      expect(lines.map((r) => r.serial).sort()).toEqual(pagingSerials);
    }
  });

  it('keeps the lot -> serial edges in small bucket documents, one index document per lot', async () => {
    const db = await w.db();
    const index = await db.collection<{ _id: string; buckets: Record<string, number> }>('lot_use_index').findOne({ _id: 'REEL-P' });
    const buckets = Object.values(index!.buckets);
    expect(buckets.length).toBeGreaterThan(1);
    const docs = await db.collection<{ _id: string; serials: Record<string, string> }>('lot_uses').find({ _id: { $in: buckets.map((b) => JSON.stringify(['REEL-P', b])) } }).toArray();
    expect(docs.flatMap((d) => Object.values(d.serials)).sort()).toEqual(pagingSerials);
  });

  it('answers 404 for a lot or vendor lot no event named', async () => {
    const lot = await w.get('/v1/lots/NO-SUCH-LOT/where-used');
    expect(lot.status).toBe(404);
    expect(lot.body.message).toBe('lot "NO-SUCH-LOT" is not known');
    const vl = await w.get('/v1/vendor-lots/where-used?vendorId=V-MURATA&mpn=GRM188R71C104KA01D&vendorLotCode=NOPE');
    expect(vl.status).toBe(404);
    expect(vl.body.message).toContain('was never received');
  });

  it('answers 400 for a malformed cursor, a cursor of another query, a bad filter or limit, a missing key part', async () => {
    const first = await w.get('/v1/lots/REEL-P/where-used?limit=10');
    const cases: [string, string][] = [
      ['/v1/lots/REEL-P/where-used?cursor=not-a-cursor', 'cursor is malformed'],
      [`/v1/lots/REEL-P/where-used?brand=Acme&cursor=${first.body.nextCursor}`, 'cursor is not valid for this query'],
      ['/v1/lots/REEL-P/where-used?shipped=maybe', 'shipped must be true or false'],
      ['/v1/lots/REEL-P/where-used?limit=0', 'limit'],
      ['/v1/lots/REEL-P/where-used?limit=5000', 'limit'],
      ['/v1/lots/REEL-P/where-used?colour=red', 'colour'],
      ['/v1/vendor-lots/where-used?vendorId=V-MURATA&vendorLotCode=M2345', 'mpn'],
    ];
    for (const [path, message] of cases) {
      const { status, body } = await w.get(path);
      expect({ path, status }).toEqual({ path, status: 400 });
      expect(JSON.stringify(body.message)).toContain(message);
    }
  });

  it("gives a vendor's exposure: its vendor lots, every serial holding them, distinct units by brand, product and shipping", async () => {
    const { status, body } = await w.get('/v1/vendors/V-MURATA/exposure?limit=5&total=true');
    expect(status).toBe(200);
    expect(body.vendorLots).toEqual([
      { vendorLotId: JSON.stringify(['V-MURATA', 'GRM155', 'P1']), mpn: 'GRM155', vendorLotCode: 'P1', lotIds: ['REEL-P'] },
      { vendorLotId: JSON.stringify(['V-MURATA', 'GRM188R71C104KA01D', 'M2345']), mpn: 'GRM188R71C104KA01D', vendorLotCode: 'M2345', lotIds: ['REEL-C1', 'REEL-C2'] },
    ]);
    expect(body.total).toBe(4 + 25);
    expect(body.items).toHaveLength(5);
    // The rack holds two Murata reels (through the gateway and its power board) and counts once.
    expect(body.counts).toEqual({
      units: 28,
      shipped: 1,
      notShipped: 27,
      byBrand: [{ brand: 'Acme', units: 27 }, { brand: 'Globex', units: 1 }],
      // With each product's units started: one of the two GW-100 gateways is a top-level unit with Murata parts.
      byProduct: [
        { productPartNumber: 'PP-1', units: 25, productUnits: 25, share: 1 },
        { productPartNumber: 'GW-100', units: 1, productUnits: 2, share: 0.5 },
        { productPartNumber: 'GX-1', units: 1, productUnits: 1, share: 1 },
        { productPartNumber: 'RACK-9', units: 1, productUnits: 1, share: 1 },
      ],
    });
    // Without total=true a page reads only its own rows: no counts, and the total only on the last page.
    const uncounted = await w.get('/v1/vendors/V-MURATA/exposure?limit=5');
    expect(uncounted.body.items).toEqual(body.items);
    expect(uncounted.body.counts).toBeUndefined();
    expect(uncounted.body.total).toBeUndefined();
    const shady = await w.get('/v1/vendors/V-SHADY/exposure');
    expect(shady.body.total).toBe(1);
    expect(shady.body.items.map(brief)).toEqual(['REEL-SM>REG1-0001>RACK-0001']);
    expect((await w.get('/v1/vendors/NO-SUCH-VENDOR/exposure')).status).toBe(404);
  });

  it('streams a vendor exposure as NDJSON', async () => {
    const res = await fetch(`${w.apiUrl}/v1/vendors/V-MURATA/exposure?format=ndjson&product=PP-1`, { headers: w.headers() });
    const lines = (await res.text()).trim().split('\n').map((l) => JSON.parse(l) as Row);
    expect(lines.map((r) => r.serial).sort()).toEqual(pagingSerials);
  });

  it('documents the where-used endpoints in OpenAPI', async () => {
    const { body } = await w.get('/docs-json');
    expect(Object.keys(body.paths)).toEqual(expect.arrayContaining(['/v1/lots/{lotId}/where-used', '/v1/vendor-lots/where-used', '/v1/vendors/{vendorId}/exposure']));
  });
});
