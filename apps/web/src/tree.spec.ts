import type { Genealogy, Installation, LotNode, Provenance, UnitNode } from './api-types';
import { allKeys, assemblyTree, lineageOf, visibleUnits } from './tree';

const p: Provenance = { eventId: 'e', type: 'MaterialInstalled', source: 's', occurredAt: '2026-01-01T00:00:00Z', topic: 't', partition: 0, offset: '1' };
const install = (lotId: string, refDes: string[], vendorLotIds: string[] = []): Installation => ({ lotId, quantity: refDes.length, refDes, lotStatus: 'released', vendorLotIds, provenance: p });
const unit = (serial: string, materials: Installation[], subs: { refDes: string; unit: UnitNode; removed?: boolean }[] = []): UnitNode => ({
  serial,
  started: true,
  brand: 'Acme',
  shipped: false,
  shipments: [],
  materials,
  subAssemblies: subs.map((s) => ({ ...s, provenance: p })),
});
const lot = (lotId: string, extra: Partial<LotNode>): LotNode => ({ lotId, known: true, status: 'released', statusHistory: [], origin: 'received', sources: [], vendorLotIds: [], ...extra });

const genealogy = (): Genealogy => ({
  serial: 'TOP',
  unit: unit('TOP', [install('U-TRAY', ['U1'])], [{ refDes: 'J2', unit: unit('SUB', [install('REEL-C1A', ['C1', 'C2'], ['VL1'])], [{ refDes: 'M1', unit: unit('SUBSUB', [install('REEL-X', ['R5'])]), removed: true }]) }]),
  lots: [
    lot('REEL-C1A', { origin: 'split', sources: [{ kind: 'split', lotIds: ['REEL-C1'], provenance: p }] }),
    lot('REEL-C1', { receipt: { receiptId: 'R-1', vendorLotId: 'VL1', quantity: 4000, uom: 'pcs', receivedAt: '2026-01-01', provenance: p } }),
    lot('REEL-X', { known: false, origin: 'unknown' }),
  ],
  vendorLots: [{ vendorLotId: 'VL1', vendorId: 'V-MURATA', mpn: 'GRM188', vendorLotCode: 'M2345', manufacturer: 'Murata', internalPartNumber: 'IPN-100', dateCode: '2601', countryOfOrigin: 'JP', receipts: [] }],
  vendors: [{ vendorId: 'V-MURATA', registered: true, name: 'Murata', status: 'approved', statusHistory: [] }],
  summary: { units: 3, installations: 3, flags: [], vendors: [], vendorLots: [] },
  gaps: [],
  roundTrips: 1,
});

describe('the assembly tree', () => {
  it('nests units to any depth, each material joined to its vendor lot and vendor', () => {
    const root = assemblyTree(genealogy());
    expect(allKeys(root)).toEqual(['TOP', 'TOP/SUB', 'TOP/SUB/SUBSUB']);
    const c1a = root.children[0]!.materials[0]!;
    expect(c1a.vendorLots[0]).toEqual({ vendorLotId: 'VL1', vendorLotCode: 'M2345', ipn: 'IPN-100', mpn: 'GRM188', manufacturer: 'Murata', dateCode: '2601', countryOfOrigin: 'JP', vendorId: 'V-MURATA', vendorName: 'Murata', vendorStatus: 'approved' });
    expect(root.children[0]!.children[0]!.removed).toBe(true);
  });

  it('shows a unit below another only while every unit above it is expanded', () => {
    const root = assemblyTree(genealogy());
    expect(visibleUnits(root, new Set()).map((u) => u.key)).toEqual(['TOP']);
    expect(visibleUnits(root, new Set(['TOP'])).map((u) => u.key)).toEqual(['TOP', 'TOP/SUB']);
    expect(visibleUnits(root, new Set(['TOP', 'TOP/SUB/SUBSUB'])).map((u) => u.key)).toEqual(['TOP', 'TOP/SUB']);
    expect(visibleUnits(root, new Set(allKeys(root))).map((u) => u.depth)).toEqual([0, 1, 2]);
  });

  it('gives a lot lineage back through splits to the receipt, and names a lot never received', () => {
    const lots = new Map(genealogy().lots.map((l) => [l.lotId, l]));
    expect(lineageOf('REEL-C1A', lots)).toEqual(['REEL-C1A: split from REEL-C1', 'REEL-C1: received in R-1']);
    expect(lineageOf('REEL-X', lots)).toEqual(['REEL-X: never received (a gap)']);
  });

  it('does not walk an assembly cycle forever', () => {
    const g = genealogy();
    const top = g.unit;
    top.subAssemblies[0]!.unit.subAssemblies.push({ refDes: 'LOOP', unit: top, provenance: p });
    expect(allKeys(assemblyTree(g))).toEqual(['TOP', 'TOP/SUB', 'TOP/SUB/SUBSUB', 'TOP/SUB/TOP']);
  });
});

describe('a placement in a splice grey zone', () => {
  it('says every package it may have come from in words, with the reason, until a splice point settled it', () => {
    const grey: Installation = { ...install('REEL-B', ['C1'], ['VL1']), candidates: { lotIds: ['REEL-A', 'REEL-B'], reason: 'grey zone of the splice', inWords: 'REEL-A or REEL-B' } };
    const g = { ...genealogy(), unit: unit('GZ', [grey, { ...grey, candidates: { ...grey.candidates!, settledTo: 'REEL-B', inWords: 'REEL-B' } }]) };
    const [open, settled] = assemblyTree(g).materials;
    expect(open).toMatchObject({ lotText: 'REEL-A or REEL-B', candidateReason: 'grey zone of the splice' });
    expect(settled).toMatchObject({ lotText: 'REEL-B' });
    expect(settled!.candidateReason).toBeUndefined();
  });
});
