import { TraceEvent, makeEvent } from '@trace/contracts';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
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
    // Acme's deviation for the shared reel's part: its pieces are counted over Acme's units only, though Globex's
    // units hold the same reels (read on the forward walk, never counted, never told).
    makeEvent('DeviationApproved', {
      brand: 'Acme', deviationId: 'ADEV-1', internalPartNumber: 'CAP-1N', manufacturer: 'Murata', mpn: 'GRM155',
      validFrom: at(0), validUntil: at(600), approvedBy: 'quality@acme.example', reason: 'shortage',
    }, { occurredAt: at(0), eventId: 'a-dev', source: 'acme/plm' }),
    // A reel of the site's that only Globex uses (3,000 units of it in the first world): timing of where-used.
    makeEvent('MaterialReceived', {
      receiptId: 'GR-3002', vendorId: 'V-MURATA', manufacturer: 'Murata', mpn: 'GRM033', internalPartNumber: 'CAP-2', vendorLotCode: 'BIG1',
      receivedAt: at(0), uom: 'pcs', packages: [{ lotId: 'REEL-BIG', quantity: 100_000 }],
    }, { occurredAt: at(0), eventId: 'shared-4' }),
    // Receipts of the site (so in both worlds) for the Acme unit that hosts a Globex sub-assembly, and for that sub-assembly.
    ...[['V-HOST', 'HOST-MPN', 'HOSTLOT', 'GR-HOST', 'REEL-HOST'], ['V-SECRET', 'SECRET-MPN', 'SECRETLOT', 'GR-G-SECRET', 'REEL-G-SECRET']].map(([vendorId, mpn, code, receiptId, lotId], i) =>
      makeEvent('MaterialReceived', {
        receiptId: receiptId!, vendorId: vendorId!, manufacturer: 'M', mpn: mpn!, internalPartNumber: 'X', vendorLotCode: code!,
        receivedAt: at(0), uom: 'pcs', packages: [{ lotId: lotId!, quantity: 10 }],
      }, { occurredAt: at(0), eventId: `shared-host-${i}` })),
  ];
}

/** Globex's units that hold REEL-BIG, and a chain of 30 sub-assemblies under GLX-DEEP-0: large for a walk. */
const BIG_REEL_UNITS = 3_000;
const DEEP = 30;
function globexBulk(): TraceEvent[] {
  const events: TraceEvent[] = [];
  for (let i = 0; i < BIG_REEL_UNITS; i++) {
    const serial = `GLX-BIG-${i}`;
    events.push(makeEvent('UnitStarted', { serial, brand: 'Globex', productPartNumber: 'GX-9', workOrder: 'WO-G' }, { occurredAt: at(2), eventId: `g-big-start-${i}` }));
    events.push(makeEvent('MaterialInstalled', { serial, lotId: 'REEL-BIG', quantity: 1, refDes: ['C7'] }, { occurredAt: at(3), eventId: `g-big-inst-${i}` }));
  }
  for (let i = 0; i <= DEEP; i++) {
    const serial = `GLX-DEEP-${i}`;
    events.push(makeEvent('UnitStarted', { serial, brand: 'Globex', productPartNumber: 'GX-9', workOrder: 'WO-G' }, { occurredAt: at(2), eventId: `g-deep-start-${i}` }));
    events.push(makeEvent('MaterialInstalled', { serial, lotId: 'REEL-SH-B', quantity: 1, refDes: ['C1'] }, { occurredAt: at(3), eventId: `g-deep-inst-${i}` }));
    if (i > 0) events.push(makeEvent('UnitAssembled', { serial: `GLX-DEEP-${i - 1}`, childSerial: serial }, { occurredAt: at(4), eventId: `g-deep-asm-${i}` }));
  }
  return events;
}

/**
 * An Acme unit with a Globex sub-assembly built in (first world only): Acme may learn that it is there, its serial
 * and product, never its customer, shipments, materials or what is built into it.
 */
function acmeHostingGlobex(): TraceEvent[] {
  return [
    makeEvent('UnitStarted', { serial: 'ACME-HOST', brand: 'Acme', productPartNumber: 'GW-HOST', workOrder: 'WO-A' }, { occurredAt: at(2), eventId: 'h-start' }),
    makeEvent('MaterialInstalled', { serial: 'ACME-HOST', lotId: 'REEL-HOST', quantity: 1, refDes: ['C1'] }, { occurredAt: at(3), eventId: 'h-inst' }),
    makeEvent('UnitStarted', { serial: 'GLXSUB-IN-HOST', brand: 'Globex', productPartNumber: 'GXP-MODULE', workOrder: 'WO-GH' }, { occurredAt: at(2), eventId: 'h-g-start' }),
    makeEvent('MaterialInstalled', { serial: 'GLXSUB-IN-HOST', lotId: 'REEL-G-SECRET', quantity: 1, refDes: ['U9-GLX-HIDDEN'] }, { occurredAt: at(3), eventId: 'h-g-inst' }),
    makeEvent('UnitStarted', { serial: 'GLX-INNER', brand: 'Globex', productPartNumber: 'GXP-INNER', workOrder: 'WO-GH' }, { occurredAt: at(2), eventId: 'h-g-inner' }),
    makeEvent('UnitAssembled', { serial: 'GLXSUB-IN-HOST', childSerial: 'GLX-INNER' }, { occurredAt: at(3), eventId: 'h-g-asm-inner' }),
    makeEvent('UnitShipped', { serial: 'GLXSUB-IN-HOST', shipmentId: 'SHP-G-MOD', customer: 'Globex Modules Customer' }, { occurredAt: at(3), eventId: 'h-g-ship' }),
    makeEvent('UnitAssembled', { serial: 'ACME-HOST', childSerial: 'GLXSUB-IN-HOST', refDes: 'J5' }, { occurredAt: at(4), eventId: 'h-asm' }),
  ];
}
const HOSTED_SECRETS = ['Globex', 'REEL-G-SECRET', 'SECRET-MPN', 'SECRETLOT', 'GR-G-SECRET', 'GLX-INNER', 'GXP-INNER', 'SHP-G-MOD', 'Globex Modules Customer', 'WO-GH', 'U9-GLX-HIDDEN'];

/**
 * Serials whose brand is in conflict (first world only): CONF-1 started for Acme and for Globex, built of the reels
 * both brands use and shipped with Acme's own shipment; CONF-2 started twice for Acme's product and once for Globex,
 * in a shipment of its own. To Acme they must be serials that never existed: fail closed.
 */
function conflicted(): TraceEvent[] {
  return [
    ...['CONF-1', 'CONF-2'].flatMap((serial, i) => [
      makeEvent('UnitStarted', { serial, brand: 'Acme', productPartNumber: 'GW-100', workOrder: 'WO-A' }, { occurredAt: at(2), eventId: `c-start-a-${i}` }),
      ...(i === 1 ? [makeEvent('UnitStarted', { serial, brand: 'Acme', productPartNumber: 'GW-100', workOrder: 'WO-A' }, { occurredAt: at(2), eventId: `c-start-a2-${i}` })] : []),
      makeEvent('UnitStarted', { serial, brand: 'Globex', productPartNumber: 'GX-9', workOrder: 'WO-G' }, { occurredAt: at(2), eventId: `c-start-g-${i}` }),
      makeEvent('MaterialInstalled', { serial, lotId: 'REEL-SH-A', quantity: 1, refDes: ['C1'] }, { occurredAt: at(3), eventId: `c-inst-${i}` }),
      makeEvent('MaterialInstalled', { serial, lotId: 'REEL-MIX', quantity: 1, refDes: ['C2'] }, { occurredAt: at(3), eventId: `c-mix-${i}` }),
    ]),
    // A lot no receipt, split or merge named, installed only in a serial in conflict: to Acme, it must not exist.
    makeEvent('MaterialInstalled', { serial: 'CONF-1', lotId: 'LOT-CONF-ONLY', quantity: 1, refDes: ['C5'] }, { occurredAt: at(3), eventId: 'c-only' }),
    makeEvent('UnitShipped', { serial: 'CONF-1', shipmentId: 'SHP-A1', customer: 'Northwind' }, { occurredAt: at(4), eventId: 'c-ship-1' }),
    makeEvent('UnitShipped', { serial: 'CONF-2', shipmentId: 'SHP-CONF', customer: 'Conflicted Customer' }, { occurredAt: at(4), eventId: 'c-ship-2' }),
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
    // Globex's authority: an approval for the part Acme uses too, a deviation (the big reel, run out) and a BOM of its own.
    makeEvent('PartApproved', { brand: 'Globex', approvalId: 'G-CAP', internalPartNumber: 'CAP-1N', manufacturer: 'Murata', mpn: 'GRM155' }, { occurredAt: at(0), eventId: 'g-pa', source: 'globex/plm' }),
    makeEvent('DeviationApproved', {
      brand: 'Globex', deviationId: 'GDEV-1', internalPartNumber: 'CAP-2', manufacturer: 'Murata', mpn: 'GRM033', maxQuantity: 2,
      validFrom: at(0), validUntil: at(600), approvedBy: 'quality@globex.example', reason: 'secret shortage',
    }, { occurredAt: at(0), eventId: 'g-dev', source: 'globex/plm' }),
    makeEvent('BomReleased', { brand: 'Globex', productPartNumber: 'GX-9', revision: 'G1', effectiveFrom: at(0), lines: [{ internalPartNumber: 'CAP-1N', quantity: 1 }] }, { occurredAt: at(0), eventId: 'g-bom', source: 'globex/plm' }),
    // A lot no receipt, split or merge ever named, installed only by Globex: to Acme, it must not exist.
    makeEvent('MaterialInstalled', { serial: 'GLX-2', lotId: 'LOT-GLX-ONLY', quantity: 1, refDes: ['C5'] }, { occurredAt: at(3), eventId: 'g-only' }),
    // Globex corrects itself: a wrong installation retracted and the right one installed (only in the world with Globex).
    makeEvent('MaterialInstalled', { serial: 'GLX-SUB', lotId: 'REEL-SH-B', quantity: 1, refDes: ['C4'] }, { occurredAt: at(3), eventId: 'g-wrong' }),
    makeEvent('EventRetracted', { retractedEventId: 'g-wrong', reason: 'Globex scanned the wrong reel' }, { occurredAt: at(4), eventId: 'g-retract' }),
  ];
}

interface Attempt {
  name: string;
  method?: 'GET' | 'POST';
  path: string;
  body?: unknown;
  /** Acme's approver key instead of its quality key. */
  asApprover?: true;
}

const until = at(600);
const brandPublications = (brand: string): Attempt[] => [
  { name: `approve a part for ${brand}`, method: 'POST', path: `/v1/brands/${brand}/approved-parts`, body: { approvalId: 'G-CAP', internalPartNumber: 'CAP-1N', manufacturer: 'Murata', mpn: 'GRM155' } },
  { name: `withdraw an approval of ${brand}`, method: 'POST', path: `/v1/brands/${brand}/approved-parts/G-CAP/withdraw`, body: { reason: 'x' } },
  { name: `grant a deviation for ${brand}`, method: 'POST', path: `/v1/brands/${brand}/deviations`, body: { deviationId: 'GDEV-1', internalPartNumber: 'CAP-1N', manufacturer: 'M', mpn: 'X', validFrom: at(0), validUntil: until, approvedBy: 'a', reason: 'r' } },
  { name: `revoke a deviation of ${brand}`, method: 'POST', path: `/v1/brands/${brand}/deviations/GDEV-1/revoke`, body: { reason: 'x' } },
  { name: `release a BOM for ${brand}`, method: 'POST', path: `/v1/brands/${brand}/boms`, body: { productPartNumber: 'GX-9', revision: 'G2', effectiveFrom: at(0), lines: [{ internalPartNumber: 'CAP-1N', quantity: 1 }] } },
];
const deviationReads: Attempt[] = [
  ...['GDEV-1', 'NEVER'].map((d) => ({ name: `deviation ${d} of the other brand`, path: `/v1/brands/Globex/deviations/${d}` })),
  { name: "Acme's own deviation on the reels both brands use", path: '/v1/brands/Acme/deviations/ADEV-1' },
  { name: "the other brand's deviation id under Acme", path: '/v1/brands/Acme/deviations/GDEV-1' },
  { name: 'deviation of a brand that never existed', path: '/v1/brands/Nobody/deviations/GDEV-1' },
];

// The approver's lists: another brand's, the caller's own (counted over its own units), and one that never existed.
const brandLists: Attempt[] = ['Globex', 'Acme', 'Nobody'].flatMap((b) => [
  { name: `approved parts of ${b}`, path: `/v1/brands/${b}/approved-parts` },
  { name: `deviations of ${b}`, path: `/v1/brands/${b}/deviations` },
]);

const murataVendorLot = `vendorId=V-MURATA&mpn=GRM155&vendorLotCode=SH1`;
const asOf = encodeURIComponent(at(3));
const attempts: Attempt[] = [
  ...['ACME-100', 'GLX-1', 'GLX-2', 'GLX-SUB', 'GLX-DEEP-0', 'NEVER-EXISTED', 'CONF-1', 'CONF-2'].flatMap((s) => [
    { name: `genealogy of ${s}`, path: `/v1/serials/${s}/genealogy` },
    { name: `genealogy with history of ${s}`, path: `/v1/serials/${s}/genealogy?history=true` },
    { name: `EPCIS of ${s}`, path: `/v1/serials/${s}/epcis` },
    { name: `search for ${s}`, path: `/v1/search?q=${s}` },
  ]),
  // Reports carry their own time and id: only the 404s compare, the serial in conflict against one never seen.
  ...['CONF-1', 'CONF-2', 'NEVER-EXISTED'].map((s) => ({ name: `report of ${s}`, path: `/v1/serials/${s}/report?format=json` })),
  // A serial whose brand is in conflict, among the analysed serials, the comparison, and a sample of its product.
  { name: 'commonality with a conflicted serial', method: 'POST', path: '/v1/analysis/commonality', body: { serials: ['ACME-100', 'CONF-1'], comparison: ['CONF-2', 'ACME-101'] } },
  { name: "commonality sampled from a conflicted serial's product", method: 'POST', path: '/v1/analysis/commonality', body: { serials: ['ACME-100'], sampleComparison: 10 } },
  { name: 'exposure of the shared reels, filtered on Acme', path: '/v1/vendors/V-MURATA/exposure?brand=Acme' },
  ...['REEL-SH', 'REEL-SH-A', 'REEL-SH-B', 'REEL-SH2', 'REEL-MIX', 'REEL-C1', 'REEL-C1A', 'REEL-K1', 'LOT-GLX-ONLY', 'LOT-CONF-ONLY', 'REEL-BIG', 'NO-SUCH-LOT'].flatMap((lot) => [
    { name: `where-used of ${lot}`, path: `/v1/lots/${lot}/where-used` },
    { name: `where-used of ${lot} as NDJSON`, path: `/v1/lots/${lot}/where-used?format=ndjson` },
    { name: `where-used of ${lot} filtered on the other brand`, path: `/v1/lots/${lot}/where-used?brand=Globex` },
    { name: `where-used of ${lot} filtered on the other product`, path: `/v1/lots/${lot}/where-used?product=GX-9` },
    { name: `where-used of ${lot}, shipped`, path: `/v1/lots/${lot}/where-used?shipped=true` },
    { name: `where-used of ${lot}, one per page`, path: `/v1/lots/${lot}/where-used?limit=1` },
  ]),
  // As of a moment (during Globex's build, and before anything), with history: still nothing of Globex.
  ...['ACME-100', 'GLX-1', 'GLX-2', 'GLX-SUB', 'NEVER-EXISTED'].flatMap((s) => [
    { name: `genealogy of ${s} as of a moment`, path: `/v1/serials/${s}/genealogy?asOf=${asOf}` },
    { name: `genealogy of ${s} as of a moment, with history`, path: `/v1/serials/${s}/genealogy?asOf=${asOf}&history=true` },
    { name: `genealogy of ${s} as of before anything`, path: `/v1/serials/${s}/genealogy?asOf=2020-01-01T00:00:00Z` },
    { name: `genealogy of ${s} as of a malformed moment`, path: `/v1/serials/${s}/genealogy?asOf=2026-02-30T08:00:00Z` },
    { name: `EPCIS of ${s} as of a moment`, path: `/v1/serials/${s}/epcis?asOf=${asOf}` },
  ]),
  ...['REEL-SH-B', 'REEL-C1A', 'LOT-GLX-ONLY', 'NO-SUCH-LOT'].flatMap((lot) => [
    { name: `where-used of ${lot} as of a moment`, path: `/v1/lots/${lot}/where-used?asOf=${asOf}` },
    { name: `where-used of ${lot} as of a moment, with history`, path: `/v1/lots/${lot}/where-used?asOf=${asOf}&history=true` },
  ]),
  { name: 'exposure of V-MURATA as of a moment', path: `/v1/vendors/V-MURATA/exposure?asOf=${asOf}` },
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
  { name: 'commonality over own and foreign serials as of a moment', method: 'POST', path: '/v1/analysis/commonality', body: { serials: ['ACME-100', 'GLX-1', 'GLX-2'], comparison: ['ACME-101', 'GLX-3'], asOf: at(3) } },
  { name: 'commonality sampled as of a moment', method: 'POST', path: '/v1/analysis/commonality', body: { serials: ['ACME-100'], sampleComparison: 10, asOf: at(3) } },
  { name: 'operator in a query key', path: '/v1/lots/REEL-SH/where-used?brand[$ne]=Acme' },
  { name: 'operator in a body', method: 'POST', path: '/v1/analysis/commonality', body: { serials: { $ne: null } } },
  { name: 'operator as a serial', path: `/v1/serials/${encodeURIComponent('{"$ne":null}')}/genealogy` },
  { name: 'encoded slash in a serial', path: '/v1/serials/GLX-1%2Fgenealogy%3F/genealogy' },
  { name: 'dot segments in a serial', path: '/v1/serials/%2e%2e%2fGLX-1/genealogy' },
  { name: 'regex-looking serial', path: `/v1/serials/${encodeURIComponent('GLX.*')}/genealogy` },
  { name: 'tampered cursor', path: '/v1/lots/REEL-SH-A/where-used?limit=1&cursor=eyJ2IjoxLCJxIjoieCIsIm8iOjF9' },
  ...deviationReads,
  ...['SHP-G1', 'SHP-G-MOD', 'SHP-A1', 'SHP-CONF', 'NO-SUCH-SHIPMENT'].map((sh) => ({ name: `compliance of shipment ${sh}`, path: `/v1/shipments/${sh}/compliance` })),
  ...deviationReads.map((a) => ({ ...a, name: `${a.name}, as approver`, asApprover: true as const })),
  ...brandLists,
  ...brandLists.map((a) => ({ ...a, name: `${a.name}, as approver`, asApprover: true as const })),
  ...brandPublications('Globex'),
  ...brandPublications('Globex').map((a) => ({ ...a, name: `${a.name}, as approver`, asApprover: true as const })),
  // Acme's approver with a body the contract refuses: 400 in both worlds, nothing published.
  ...brandPublications('Acme').map((a) => ({ ...a, name: `${a.name}, refused body`, body: { ...(a.body as object), unknownField: 1 }, asApprover: true as const })),
];

// Fields that legitimately differ between two worlds fed the same site events: Kafka positions (the
// other brand's events interleave), the EPCIS document's creation time and opaque cursors (compared by presence only). Everything else,
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
        k === 'partition' || k === 'offset' || k === 'creationDate' ? undefined : k === 'nextCursor' ? (x ? '<cursor>' : x) : x,
      ),
    );
  return JSON.stringify(lines.length > 1 ? lines.map((l) => clean(parse(l))) : clean(parse(text)));
}

describe('need-to-know: brand A learns nothing about brand B', () => {
  const both = new TestWorld('ntk_both');
  const acmeOnly = new TestWorld('ntk_acme');
  const acmeKey: Record<string, string> = {};
  const acmeApprover: Record<string, string> = {};

  beforeAll(async () => {
    await Promise.all([both.startIngest(), acmeOnly.startIngest(), both.startApi(), acmeOnly.startApi()]);
    await both.produce([...siteAndAcme(), ...globex(), ...globexBulk(), ...acmeHostingGlobex(), ...conflicted()]);
    await acmeOnly.produce(siteAndAcme());
    await Promise.all([both.waitForIngest(), acmeOnly.waitForIngest()]);
    acmeKey.both = (await both.createKey('quality', ['Acme'], 'acme')).key;
    acmeKey.acmeOnly = (await acmeOnly.createKey('quality', ['Acme'], 'acme')).key;
    acmeApprover.both = (await both.createKey('approver', ['Acme'], 'acme approver')).key;
    acmeApprover.acmeOnly = (await acmeOnly.createKey('approver', ['Acme'], 'acme approver')).key;
  });
  afterAll(() => Promise.all([both.close(), acmeOnly.close()]));

  const call = async (w: TestWorld, quality: string, a: Attempt) => {
    const key = a.asApprover ? acmeApprover[w === both ? 'both' : 'acmeOnly']! : quality;
    return a.method === 'POST' ? w.post(a.path, a.body, key) : w.get(a.path, key);
  };

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
    const secrets = ['Globex', 'GLX-', 'SHP-G1', 'Globex Retail', 'GX-9', 'WO-G', 'CONF-', 'SHP-CONF', 'Conflicted Customer'];
    for (const a of attempts) {
      const { text } = await call(both, acmeKey.both!, a);
      // An attempt that names a secret itself may see it echoed in an error message; that is not a leak.
      for (const s of secrets.filter((x) => !JSON.stringify(a).includes(x))) expect(`${a.name}: ${text}`).not.toContain(s);
    }
  });

  it('answers a lot only the other brand installed exactly as a lot that never existed (404, same body)', async () => {
    const [x, y] = [await both.get('/v1/lots/LOT-GLX-ONLY/where-used', acmeKey.both!), await acmeOnly.get('/v1/lots/LOT-GLX-ONLY/where-used', acmeKey.acmeOnly!)];
    expect([x.status, y.status]).toEqual([404, 404]);
    expect(x.text).toBe(y.text);
    // The lot exists for the brand that used it, and for the site.
    expect((await both.get('/v1/lots/LOT-GLX-ONLY/where-used')).status).toBe(200);
  });

  it("shows another brand's sub-assembly in your unit by serial and product only, in the genealogy, the reports and EPCIS", async () => {
    const genealogy = await both.get('/v1/serials/ACME-HOST/genealogy', acmeKey.both!);
    expect(genealogy.status).toBe(200);
    const sub = genealogy.body.unit.subAssemblies.find((x: { unit: { serial: string } }) => x.unit.serial === 'GLXSUB-IN-HOST');
    expect(sub.refDes).toBe('J5');
    expect(sub.unit).toEqual({ serial: 'GLXSUB-IN-HOST', started: true, productPartNumber: 'GXP-MODULE', withheld: true, shipped: false, shipments: [], materials: [], subAssemblies: [] });
    const dir = await mkdtemp(join(tmpdir(), 'ntk-pdf-'));
    try {
      const pdf = await fetch(`${both.apiUrl}/v1/serials/ACME-HOST/report?format=pdf`, { headers: both.headers(acmeKey.both!) });
      expect(pdf.status).toBe(200);
      await writeFile(join(dir, 'r.pdf'), Buffer.from(await pdf.arrayBuffer()));
      const pdfText = (await promisify(execFile)('pdftotext', ['-raw', join(dir, 'r.pdf'), '-'])).stdout;
      const answers = {
        genealogy: genealogy.text,
        json: (await both.get('/v1/serials/ACME-HOST/report?format=json', acmeKey.both!)).text,
        csv: (await both.get('/v1/serials/ACME-HOST/report?format=csv', acmeKey.both!)).text,
        epcis: (await both.get('/v1/serials/ACME-HOST/epcis', acmeKey.both!)).text,
        pdf: pdfText,
      };
      for (const [kind, text] of Object.entries(answers)) {
        // The BOM (CSV) lists installed material only: a withheld sub-assembly has none to list.
        if (kind !== 'csv') expect(`${kind}: ${text.includes('GLXSUB-IN-HOST')}`).toBe(`${kind}: true`);
        for (const secret of HOSTED_SECRETS) expect(`${kind}: ${text}`).not.toContain(secret);
      }
      expect(answers.pdf).toContain("another brand's: contents withheld");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    // A site-wide key still sees it all.
    const site = await both.get('/v1/serials/ACME-HOST/genealogy');
    expect(site.body.unit.subAssemblies[0].unit).toMatchObject({ brand: 'Globex', shipped: true, materials: [expect.objectContaining({ lotId: 'REEL-G-SECRET' })] });
  });

  // Time as evidence: the other brand's data must not make Acme's answers slower. Each request is timed in both
  // worlds, interleaved (so a noisy neighbour slows both alike); the medians of 31 must be within 2x + 5 ms. The
  // walks the fix removed cost 30 round trips (a 30-deep chain) and 3,000 units (a busy reel): 5-15x the median.
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const timed = async (w: TestWorld, key: string, path: string, expectStatus: number): Promise<number> => {
    const t0 = performance.now();
    const { status } = await w.get(path, key);
    const ms = performance.now() - t0;
    expect(status).toBe(expectStatus);
    return ms;
  };
  it.each([
    ["genealogy of another brand's serial (a 30-deep chain) against a serial that never existed", '/v1/serials/GLX-DEEP-0/genealogy', 404],
    ["where-used of a reel in 3,000 of another brand's units against the same reel unused", '/v1/lots/REEL-BIG/where-used', 200],
  ])('costs what it would if brand B never existed: %s', async (_name, path, status) => {
    const [withB, withoutB]: number[][] = [[], []];
    for (let i = 0; i < 3; i++) await Promise.all([timed(both, acmeKey.both!, path, status), timed(acmeOnly, acmeKey.acmeOnly!, path, status)]); // warm up
    for (let i = 0; i < 31; i++) {
      withB.push(await timed(both, acmeKey.both!, path, status));
      withoutB.push(await timed(acmeOnly, acmeKey.acmeOnly!, path, status));
    }
    // What the site-wide key pays shows the walk is there to be avoided.
    const site: number[] = [];
    for (let i = 0; i < 5; i++) site.push(await timed(both, both.key, path, 200));
    console.log(`${path}: median ${median(withB).toFixed(1)} ms with brand B, ${median(withoutB).toFixed(1)} ms without; site-wide ${median(site).toFixed(1)} ms`);
    expect(median(withB)).toBeLessThanOrEqual(2 * median(withoutB) + 5);
  });

  it('still shows a site-wide key everything, both brands included', async () => {
    const { body } = await both.get('/v1/lots/REEL-SH/where-used?limit=1000');
    const brands = new Set(body.items.map((r: { brand: string }) => r.brand));
    expect([...brands].sort()).toEqual(['Acme', 'Globex', undefined]);
    // The serials in conflict are there, their brand shown as conflicting, no side picked.
    const conflictedRows = body.items.filter((r: { topSerial: string }) => r.topSerial.startsWith('CONF-'));
    expect(conflictedRows.map((r: { topSerial: string; conflictingFields: string[] }) => `${r.topSerial}:${r.conflictingFields.join()}`).sort()).toEqual(['CONF-1:brand,productPartNumber,workOrder', 'CONF-2:brand,productPartNumber,workOrder']);
  });

  it("counts Acme's deviation over Acme's units only, and shows a site-wide key the other brand's deviation", async () => {
    const own = await both.get('/v1/brands/Acme/deviations/ADEV-1', acmeApprover.both!);
    expect(own.status).toBe(200);
    expect(own.body.serials.map((x: { serial: string; topSerial: string }) => [x.serial, x.topSerial])).toEqual([['ACME-100', 'ACME-100'], ['ACME-101', 'ACME-101']]);
    expect(own.body).toMatchObject({ piecesUsed: 4, state: 'EXPIRED' }); // REEL-SH-A and REEL-MIX (merged from a CAP-1N reel) in each
    const foreign = await both.get('/v1/brands/Globex/deviations/GDEV-1');
    expect(foreign.status).toBe(200);
    expect(foreign.body).toMatchObject({ piecesUsed: BIG_REEL_UNITS, piecesLeft: 0 }); // Globex's pieces, which Acme's key never sees
    expect(foreign.body.exceeded).toHaveLength(BIG_REEL_UNITS - 2);
    // The lists count the same way: Acme's own list, and the other brand's for a site-wide key only.
    const ownList = await both.get('/v1/brands/Acme/deviations', acmeApprover.both!);
    expect(ownList.body).toEqual([expect.objectContaining({ deviationId: 'ADEV-1', piecesUsed: 4, state: 'EXPIRED' })]);
    expect((await both.get('/v1/brands/Globex/deviations')).body).toEqual([expect.objectContaining({ deviationId: 'GDEV-1', piecesUsed: BIG_REEL_UNITS, piecesLeft: 0 })]);
    expect((await both.get('/v1/brands/Globex/deviations', acmeApprover.both!)).status).toBe(404);
    expect((await both.get('/v1/brands/Globex/approved-parts')).body).toEqual([expect.objectContaining({ approvalId: 'G-CAP', state: 'IN_FORCE' })]);
  });

  it('refuses a cursor made for another caller (400)', async () => {
    const site = await both.get('/v1/lots/REEL-MIX/where-used?limit=1');
    expect(site.body.nextCursor).toBeTruthy();
    const foreign = await both.get(`/v1/lots/REEL-MIX/where-used?limit=1&cursor=${encodeURIComponent(site.body.nextCursor)}`, acmeKey.both!);
    expect(foreign.status).toBe(400);
  });
});
