import { TraceEvent, makeEvent } from '@trace/contracts';
import { gatewayScenario } from '@trace/contracts/testing';
import { TestWorld } from './support/harness';

// The attack suite of need-to-know. Two brands share a vendor, a vendor lot, a reel split between them
// and a merged reel. Brand A (Acme) tries to learn anything about brand B (Globex) through every
// endpoint. Each attempt runs in two worlds: one with both brands, and one where brand B never existed
// (the site's own events, vendors, receipts, splits and merges, are the same in both). Any difference
// in status or body seen by Acme's key is a leak.

const at = (minute: number): string => new Date(Date.UTC(2026, 10, 4, 6, minute)).toISOString();
const scenario = gatewayScenario();

/** Events of the site (vendors and lots) and of Acme: the same in both worlds. */
function siteAndAcme(): TraceEvent[] {
  return [
    ...scenario.events,
    makeEvent('MaterialReceived', {
      receiptId: 'GR-3001', vendorId: 'V-MURATA', manufacturer: 'Murata', mpn: 'GRM155', internalPartNumber: 'CAP-1N', vendorLotCode: 'SH1',
      receivedAt: at(0), uom: 'pcs', packages: [{ lotId: 'REEL-SH', quantity: 10_000 }, { lotId: 'REEL-SH2', quantity: 10_000 }],
    }, { occurredAt: at(0), eventId: 'shared-1' }),
    makeEvent('LotSplit', { sourceLotId: 'REEL-SH', newLots: [{ lotId: 'REEL-SH-A', quantity: 5_000 }, { lotId: 'REEL-SH-B', quantity: 5_000 }] }, { occurredAt: at(1), eventId: 'shared-2' }),
    makeEvent('LotMerged', { sourceLotIds: ['REEL-SH2', 'REEL-K1'], lotId: 'REEL-MIX' }, { occurredAt: at(1), eventId: 'shared-3' }),
    ...['ACME-100', 'ACME-101'].flatMap((serial, i) => [
      makeEvent('UnitStarted', { serial, brand: 'Acme', productPartNumber: 'GW-100', workOrder: 'WO-A' }, { occurredAt: at(2), eventId: `a-start-${i}` }),
      makeEvent('MaterialInstalled', { serial, lotId: 'REEL-SH-A', quantity: 1, refDes: ['C1'] }, { occurredAt: at(3), eventId: `a-inst-${i}` }),
      makeEvent('MaterialInstalled', { serial, lotId: 'REEL-MIX', quantity: 1, refDes: ['C2'] }, { occurredAt: at(3), eventId: `a-mix-${i}` }),
    ]),
    makeEvent('UnitShipped', { serial: 'ACME-100', shipmentId: 'SHP-A1', customer: 'Northwind' }, { occurredAt: at(4), eventId: 'a-ship' }),
  ];
}

/** Globex's own units: they exist only in the first world. */
function globex(): TraceEvent[] {
  return [
    ...['GLX-1', 'GLX-2', 'GLX-3'].flatMap((serial, i) => [
      makeEvent('UnitStarted', { serial, brand: 'Globex', productPartNumber: 'GX-9', workOrder: 'WO-G' }, { occurredAt: at(2), eventId: `g-start-${i}` }),
      makeEvent('MaterialInstalled', { serial, lotId: i === 0 ? 'REEL-SH-A' : 'REEL-SH-B', quantity: 1, refDes: ['C9'] }, { occurredAt: at(3), eventId: `g-inst-${i}` }),
      makeEvent('MaterialInstalled', { serial, lotId: 'REEL-MIX', quantity: 1, refDes: ['C8'] }, { occurredAt: at(3), eventId: `g-mix-${i}` }),
    ]),
    makeEvent('UnitStarted', { serial: 'GLX-SUB', brand: 'Globex', productPartNumber: 'GX-SUB', workOrder: 'WO-G' }, { occurredAt: at(2), eventId: 'g-sub' }),
    makeEvent('MaterialInstalled', { serial: 'GLX-SUB', lotId: 'REEL-C1A', quantity: 1, refDes: ['C3'] }, { occurredAt: at(3), eventId: 'g-sub-inst' }),
    makeEvent('UnitAssembled', { serial: 'GLX-1', childSerial: 'GLX-SUB' }, { occurredAt: at(4), eventId: 'g-asm' }),
    makeEvent('UnitShipped', { serial: 'GLX-1', shipmentId: 'SHP-G1', customer: 'Globex Retail' }, { occurredAt: at(5), eventId: 'g-ship' }),
  ];
}

interface Attempt {
  name: string;
  method?: 'GET' | 'POST';
  path: string;
  body?: unknown;
}

const murataVendorLot = `vendorId=V-MURATA&mpn=GRM155&vendorLotCode=SH1`;
const attempts: Attempt[] = [
  ...['ACME-100', 'GLX-1', 'GLX-2', 'GLX-SUB', 'NEVER-EXISTED'].flatMap((s) => [
    { name: `genealogy of ${s}`, path: `/v1/serials/${s}/genealogy` },
    { name: `genealogy with history of ${s}`, path: `/v1/serials/${s}/genealogy?history=true` },
  ]),
  ...['REEL-SH', 'REEL-SH-A', 'REEL-SH-B', 'REEL-SH2', 'REEL-MIX', 'REEL-C1', 'REEL-C1A', 'REEL-K1', 'NO-SUCH-LOT'].flatMap((lot) => [
    { name: `where-used of ${lot}`, path: `/v1/lots/${lot}/where-used` },
    { name: `where-used of ${lot} as NDJSON`, path: `/v1/lots/${lot}/where-used?format=ndjson` },
    { name: `where-used of ${lot} filtered on the other brand`, path: `/v1/lots/${lot}/where-used?brand=Globex` },
    { name: `where-used of ${lot} filtered on the other product`, path: `/v1/lots/${lot}/where-used?product=GX-9` },
    { name: `where-used of ${lot}, shipped`, path: `/v1/lots/${lot}/where-used?shipped=true` },
    { name: `where-used of ${lot}, one per page`, path: `/v1/lots/${lot}/where-used?limit=1` },
  ]),
  { name: 'where-used of the shared vendor lot', path: `/v1/vendor-lots/where-used?${murataVendorLot}` },
  { name: 'where-used of the shared vendor lot, other brand', path: `/v1/vendor-lots/where-used?${murataVendorLot}&brand=Globex` },
  ...['V-MURATA', 'V-KEMET', 'V-SHADY', 'NO-SUCH-VENDOR'].flatMap((v) => [
    { name: `exposure of ${v}`, path: `/v1/vendors/${v}/exposure` },
    { name: `exposure of ${v} as NDJSON`, path: `/v1/vendors/${v}/exposure?format=ndjson` },
    { name: `exposure of ${v}, other product`, path: `/v1/vendors/${v}/exposure?product=GX-9` },
  ]),
  { name: 'commonality over own and foreign serials', method: 'POST', path: '/v1/analysis/commonality', body: { serials: ['ACME-100', 'ACME-101', 'GLX-1', 'GLX-2'] } },
  { name: 'commonality of foreign serials only', method: 'POST', path: '/v1/analysis/commonality', body: { serials: ['GLX-1', 'GLX-2', 'GLX-3'] } },
  { name: 'commonality against a foreign comparison set', method: 'POST', path: '/v1/analysis/commonality', body: { serials: ['ACME-100'], comparison: ['GLX-1', 'GLX-2', 'GLX-3'] } },
  { name: 'operator in a query key', path: '/v1/lots/REEL-SH/where-used?brand[$ne]=Acme' },
  { name: 'operator in a body', method: 'POST', path: '/v1/analysis/commonality', body: { serials: { $ne: null } } },
  { name: 'operator as a serial', path: `/v1/serials/${encodeURIComponent('{"$ne":null}')}/genealogy` },
  { name: 'encoded slash in a serial', path: '/v1/serials/GLX-1%2Fgenealogy%3F/genealogy' },
  { name: 'dot segments in a serial', path: '/v1/serials/%2e%2e%2fGLX-1/genealogy' },
  { name: 'regex-looking serial', path: `/v1/serials/${encodeURIComponent('GLX.*')}/genealogy` },
  { name: 'tampered cursor', path: '/v1/lots/REEL-SH-A/where-used?limit=1&cursor=eyJ2IjoxLCJxIjoieCIsIm8iOjF9' },
];

// Fields that legitimately differ between two worlds fed the same site events: Kafka positions (the
// other brand's events interleave) and opaque cursors (compared by presence only). Everything else,
// counts and round trips included, must be identical.
function normalize(text: string): string {
  const lines = text.trim() === '' ? [] : text.trim().split('\n');
  const parse = (t: string): unknown => {
    try {
      return JSON.parse(t);
    } catch {
      return t;
    }
  };
  const clean = (v: unknown): unknown =>
    JSON.parse(
      JSON.stringify(v, (k, x: unknown) =>
        k === 'partition' || k === 'offset' ? undefined : k === 'nextCursor' ? (x ? '<cursor>' : x) : x,
      ),
    );
  return JSON.stringify(lines.length > 1 ? lines.map((l) => clean(parse(l))) : clean(parse(text)));
}

describe('need-to-know: brand A learns nothing about brand B', () => {
  const both = new TestWorld('ntk_both');
  const acmeOnly = new TestWorld('ntk_acme');
  const acmeKey: Record<string, string> = {};

  beforeAll(async () => {
    await Promise.all([both.startIngest(), acmeOnly.startIngest(), both.startApi(), acmeOnly.startApi()]);
    await both.produce([...siteAndAcme(), ...globex()]);
    await acmeOnly.produce(siteAndAcme());
    await Promise.all([both.waitForIngest(), acmeOnly.waitForIngest()]);
    acmeKey.both = (await both.createKey('quality', ['Acme'], 'acme')).key;
    acmeKey.acmeOnly = (await acmeOnly.createKey('quality', ['Acme'], 'acme')).key;
  });
  afterAll(() => Promise.all([both.close(), acmeOnly.close()]));

  const call = async (w: TestWorld, key: string, a: Attempt) =>
    a.method === 'POST' ? w.post(a.path, a.body, key) : w.get(a.path, key);

  it(`answers all ${attempts.length} attempts exactly as if brand B did not exist`, async () => {
    const leaks: string[] = [];
    for (const a of attempts) {
      const [x, y] = [await call(both, acmeKey.both!, a), await call(acmeOnly, acmeKey.acmeOnly!, a)];
      if (x.status !== y.status || normalize(x.text) !== normalize(y.text)) {
        leaks.push(`${a.name}: ${x.status} ${x.text.slice(0, 300)}\n   vs ${y.status} ${y.text.slice(0, 300)}`);
      }
    }
    console.log(`need-to-know attack suite: ${attempts.length} attempts, ${leaks.length} leaks`);
    expect(leaks).toEqual([]);
  });

  it('never names the other brand, its serials, shipments or customers in any answer to brand A', async () => {
    const secrets = ['Globex', 'GLX-', 'SHP-G1', 'Globex Retail', 'GX-9', 'WO-G'];
    for (const a of attempts) {
      const { text } = await call(both, acmeKey.both!, a);
      // An attempt that names a secret itself may see it echoed in an error message; that is not a leak.
      for (const s of secrets.filter((x) => !JSON.stringify(a).includes(x))) expect(`${a.name}: ${text}`).not.toContain(s);
    }
  });

  it('still shows a site-wide key everything, both brands included', async () => {
    const { body } = await both.get('/v1/lots/REEL-SH/where-used');
    const brands = new Set(body.items.map((r: { brand: string }) => r.brand));
    expect([...brands].sort()).toEqual(['Acme', 'Globex']);
  });

  it('refuses a cursor made for another caller (400)', async () => {
    const site = await both.get('/v1/lots/REEL-MIX/where-used?limit=1');
    expect(site.body.nextCursor).toBeTruthy();
    const foreign = await both.get(`/v1/lots/REEL-MIX/where-used?limit=1&cursor=${encodeURIComponent(site.body.nextCursor)}`, acmeKey.both!);
    expect(foreign.status).toBe(400);
  });
});
