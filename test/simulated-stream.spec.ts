import { TraceEvent } from '@trace/contracts';
import { SITE_WIDE, judgeManyWithReads } from '@trace/genealogy';
import { assembleGenealogy, authorityReaderOf, fetchedOf, storeOf } from '@trace/genealogy/testing';
import { ShopFloorOptions, shopFloorEvents } from '../apps/simulator/src/shop-floor';

// The simulator speaks only the contract; whether its streams make a sound genealogy is checked here, where both meet.
const small: ShopFloorOptions = { seed: 7, units: 40, partsPerBoard: 60, brands: 3 };
const events = (o: ShopFloorOptions = small): TraceEvent[] => [...shopFloorEvents(o)];

describe('a simulated shop-floor stream', () => {
  it('ends in a graph where every shipped serial traces back to vendors with no gaps, through two or three levels of sub-assemblies', () => {
    const es = events();
    const store = fetchedOf(storeOf(es));
    const shipped = [...new Set(es.flatMap((e) => (e.type === 'UnitShipped' ? [e.data.serial] : [])))];
    expect(shipped.length).toBeGreaterThan(0);
    const depths = new Set<number>();
    for (const serial of shipped) {
      const g = assembleGenealogy(serial, store);
      expect({ serial, gaps: g.gaps }).toEqual({ serial, gaps: [] });
      expect(g.summary.vendors.length).toBeGreaterThan(1);
      const depth = (u: (typeof g)['unit']): number => 1 + Math.max(0, ...u.subAssemblies.map((s) => depth(s.unit)));
      depths.add(depth(g.unit) - 1);
    }
    expect([...depths].every((d) => d === 2 || d === 3)).toBe(true);
  });

  it('judges the brands\' story as the stream implies: pieces under and beyond the limited deviation, the alternate after the revocation, units started under the ECO without its line', async () => {
    const es = events();
    const expected = impliedJudgements(es);
    const store = storeOf(es);
    const graph = fetchedOf(store);
    const children = new Set(es.flatMap((e) => (e.type === 'UnitAssembled' ? [e.data.childSerial] : [])));
    const tops = es.flatMap((e) => (e.type === 'UnitStarted' && !children.has(e.data.serial) ? [e.data.serial] : []));
    const judged = await judgeManyWithReads(authorityReaderOf(store), tops.map((serial) => assembleGenealogy(serial, graph)), SITE_WIDE);
    const counts: Record<string, number> = {};
    for (const g of judged) for (const f of g.summary.flags) if (f.rule !== undefined) counts[`${f.code}${f.deviationId ? ` ${f.deviationId}` : ''}`] = (counts[`${f.code}${f.deviationId ? ` ${f.deviationId}` : ''}`] ?? 0) + 1;
    expect(counts).toEqual(expected);
    const [limited, open] = es.flatMap((e) => (e.type === 'DeviationApproved' ? [e.data.deviationId] : []));
    for (const code of [`UNDER_DEVIATION ${limited}`, `DEVIATION_EXCEEDED ${limited}`, `UNDER_DEVIATION ${open}`, 'NOT_ON_AVL', 'BOM_MISMATCH']) expect([code, (counts[code] ?? 0) > 0]).toEqual([code, true]);
    expect(counts.AVL_MISSING).toBeUndefined();
  });
});

/**
 * The authority flags a stream implies, by the rules as the issue states them, made here from the events alone (not by
 * the judge): per installation in occurredAt order, approved, else counted against a matching deviation in force, else
 * not on the AVL; per unit, its installations against the BOM revision in force at its start. Enough for the
 * simulator's streams (one part per lot, no rework), not a second judge.
 */
function impliedJudgements(es: TraceEvent[]): Record<string, number> {
  const partOf = new Map<string, { ipn: string; manufacturer: string; mpn: string }>();
  const units = new Map<string, { brand: string; product: string; at: string }>();
  const installs: Extract<TraceEvent, { type: 'MaterialInstalled' }>[] = [];
  const assembled: Extract<TraceEvent, { type: 'UnitAssembled' }>[] = [];
  const approvals: { brand: string; ipn: string; key: string; at: string }[] = [];
  const deviations: { brand: string; id: string; key: string; products?: string[]; max?: number; from: string; until: string }[] = [];
  const revokedAt = new Map<string, string>();
  const boms: { brand: string; product: string; revision: string; from: string; lines: { internalPartNumber: string; quantity: number }[] }[] = [];
  for (const e of es) {
    if (e.type === 'MaterialReceived') e.data.packages.forEach((p) => partOf.set(p.lotId, { ipn: e.data.internalPartNumber, manufacturer: e.data.manufacturer, mpn: e.data.mpn }));
    else if (e.type === 'LotSplit') e.data.newLots.forEach((l) => partOf.set(l.lotId, partOf.get(e.data.sourceLotId)!));
    else if (e.type === 'LotMerged') partOf.set(e.data.lotId, partOf.get(e.data.sourceLotIds[0]!)!);
    else if (e.type === 'UnitStarted') units.set(e.data.serial, { brand: e.data.brand, product: e.data.productPartNumber, at: e.occurredAt });
    else if (e.type === 'MaterialInstalled') installs.push(e);
    else if (e.type === 'UnitAssembled') assembled.push(e);
    else if (e.type === 'PartApproved') approvals.push({ brand: e.data.brand, ipn: e.data.internalPartNumber, key: `${e.data.internalPartNumber}|${e.data.manufacturer}|${e.data.mpn}`, at: e.occurredAt });
    else if (e.type === 'DeviationApproved')
      deviations.push({ brand: e.data.brand, id: e.data.deviationId, key: `${e.data.internalPartNumber}|${e.data.manufacturer}|${e.data.mpn}`, products: e.data.productPartNumbers, max: e.data.maxQuantity, from: e.data.validFrom, until: e.data.validUntil });
    else if (e.type === 'DeviationRevoked') revokedAt.set(`${e.data.brand}|${e.data.deviationId}`, e.occurredAt);
    else if (e.type === 'BomReleased') boms.push({ brand: e.data.brand, product: e.data.productPartNumber, revision: e.data.revision, from: e.data.effectiveFrom, lines: e.data.lines });
  }
  const counts: Record<string, number> = {};
  const flag = (code: string): void => void (counts[code] = (counts[code] ?? 0) + 1);
  const used = new Map<string, number>();
  const ms = (iso: string): number => Date.parse(iso);
  for (const e of [...installs].sort((a, b) => ms(a.occurredAt) - ms(b.occurredAt) || (a.eventId < b.eventId ? -1 : 1))) {
    const unit = units.get(e.data.serial)!;
    const part = partOf.get(e.data.lotId)!;
    const key = `${part.ipn}|${part.manufacturer}|${part.mpn}`;
    const t = ms(e.occurredAt);
    if (approvals.some((a) => a.brand === unit.brand && a.key === key && ms(a.at) <= t)) continue;
    const d = deviations.find((x) => {
      const revoked = revokedAt.get(`${x.brand}|${x.id}`);
      return x.brand === unit.brand && x.key === key && (!x.products || x.products.includes(unit.product)) && ms(x.from) <= t && t <= ms(x.until) && !(revoked && ms(revoked) <= t);
    });
    if (d) {
      const count = (used.get(d.id) ?? 0) + e.data.quantity;
      used.set(d.id, count);
      flag(`${d.max !== undefined && count > d.max ? 'DEVIATION_EXCEEDED' : 'UNDER_DEVIATION'} ${d.id}`);
    } else flag(approvals.some((a) => a.brand === unit.brand && a.ipn === part.ipn && ms(a.at) <= t) ? 'NOT_ON_AVL' : 'AVL_MISSING');
  }
  for (const [serial, unit] of units) {
    const revision = boms
      .filter((b) => b.brand === unit.brand && b.product === unit.product && ms(b.from) <= ms(unit.at))
      .sort((a, b) => ms(b.from) - ms(a.from))[0];
    if (!revision) continue;
    const installed = new Map<string, number>();
    for (const e of installs.filter((i) => i.data.serial === serial)) installed.set(partOf.get(e.data.lotId)!.ipn, (installed.get(partOf.get(e.data.lotId)!.ipn) ?? 0) + e.data.quantity);
    for (const a of assembled.filter((x) => x.data.serial === serial)) installed.set(units.get(a.data.childSerial)!.product, (installed.get(units.get(a.data.childSerial)!.product) ?? 0) + 1);
    for (const line of revision.lines) if ((installed.get(line.internalPartNumber) ?? 0) < line.quantity) flag('BOM_MISMATCH');
    for (const ipn of installed.keys()) if (!revision.lines.some((l) => l.internalPartNumber === ipn)) flag('BOM_MISMATCH');
  }
  return counts;
}
