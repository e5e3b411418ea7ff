import { KafkaPosition, TraceEvent, makeEvent } from '@trace/contracts';
import type { FetchedGraph } from '../backward/graph-fetcher';
import { GraphWrite, brandedUseNeeds, brandedUseWrites, conflictMarkWrites, graphWritesFor } from '../write/graph-writes';
import { PART_COPY_FIELDS, partCopyNeeds, partCopyWrites } from '../authority/authority-writes';
import type { BrandApprovalDoc, BrandDeviationDoc } from '../authority/authority.documents';
import type { LotDoc, UnitDoc } from '../storage/graph.documents';
import { type LotReads, lotProjectionOf, lotsWithDerived } from '../storage/lot-derived';
import type { ForwardReader, ProductUnitsReader } from '../forward/forward-reader';
import type { RecordSources } from '../lookup/records';
import type { RetractionReader } from '../facts/visibility';

// For tests: the graph's documents as the ingest would leave them, without a database.

/** Documents by collection and id. */
export type FakeStore = Record<string, Map<string, Record<string, any>>>;

/** MongoDB's `$set` with dotted paths and upsert, enough to apply graph writes; then, as GraphWriteRepository does, the brand-bucketed forward edges, conflict marks and parts' copies they call for. */
export function applyWrites(store: FakeStore, writes: GraphWrite[]): void {
  set(store, writes.filter((w) => !w.push));
  push(store, writes.filter((w) => w.push));
  const branded = [...brandedUseNeeds(writes)].flatMap(([serial, need]) => {
    const unit = store.units?.get(serial);
    return unit ? [...brandedUseWrites(unit as UnitDoc, need), ...(need.brandSet ? conflictMarkWrites(unit as UnitDoc) : [])] : [];
  });
  set(store, branded);
  const copies = partCopyNeeds(writes);
  const own = (['brandApprovals', 'brandDeviations'] as const).flatMap((c) => copies[c].flatMap((id) => store[c]?.get(id) ?? []));
  set(store, (own as (BrandApprovalDoc | BrandDeviationDoc)[]).flatMap(partCopyWrites));
}

/** The capped pushes as operationOf sends them: no upsert, nothing when the list holds the key, then $sort by key and $slice. */
function push(store: FakeStore, writes: GraphWrite[]): void {
  for (const { collection, id, push: p } of writes) {
    const doc = store[collection]?.get(id);
    if (doc) pushCapped(doc, p!);
  }
}

/** One capped push on a document in memory, as operationOf's update does it on the database. */
export function pushCapped(doc: Record<string, any>, { field, entry, slice }: NonNullable<GraphWrite['push']>): void {
  const list: { k: string }[] | undefined = doc[field];
  if (list?.some((e) => e.k === entry.k)) return;
  doc[field] = [...(list ?? []), structuredClone(entry)].sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0)).slice(0, slice);
}

function set(store: FakeStore, writes: GraphWrite[]): void {
  for (const w of writes) {
    const coll = (store[w.collection] ??= new Map());
    const doc = coll.get(w.id) ?? { _id: w.id };
    for (const [path, value] of Object.entries(w.set)) {
      const parts = path.split('.');
      let node = doc;
      for (const p of parts.slice(0, -1)) node = node[p] ??= {};
      node[parts.at(-1)!] = structuredClone(value);
    }
    coll.set(w.id, doc);
  }
}

/** The store as the ingest left it before the parts' copies existed: brand_parts without them (the judgement reads brand_approvals). */
export function withoutPartCopies(store: FakeStore): FakeStore {
  const parts = new Map([...(store.brandParts ?? [])].map(([id, doc]) => [id, Object.fromEntries(Object.entries(doc).filter(([f]) => !(PART_COPY_FIELDS as string[]).includes(f)))]));
  return { ...store, brandParts: parts };
}

/** The store after recording `events` in the given order. */
export function storeOf(events: TraceEvent[]): FakeStore {
  const store: FakeStore = {};
  const at = (i: number): KafkaPosition => ({ topic: 't', partition: 0, offset: String(i) });
  events.forEach((event, i) => applyWrites(store, graphWritesFor({ event, position: at(i) })));
  return store;
}

/**
 * The store after `events` delivered in a random order (seeded), then the first `repeated` of that order again, each
 * event at its own position (its offset), as a replayed batch or a retried send delivers it.
 */
export function shuffledStoreOf(events: TraceEvent[], seed: number, repeated: number): FakeStore {
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const shuffled = events.map((event, i) => ({ event, i })).sort(() => random() - 0.5);
  const store: FakeStore = {};
  for (const { event, i } of [...shuffled, ...shuffled.slice(0, repeated)]) applyWrites(store, graphWritesFor({ event, position: { topic: 't', partition: 0, offset: String(i) } }));
  return store;
}

/** Some collections of a store as canonical JSON (keys sorted at every level): MongoDB compares documents by content, not the order fields came in. */
export function snapshotOf(store: FakeStore, collections: string[]): string {
  const canonical = (v: unknown): unknown =>
    v && typeof v === 'object' && !(v instanceof Date) ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])])) : v;
  return JSON.stringify(canonical(Object.fromEntries(collections.map((c) => [c, Object.fromEntries(store[c] ?? [])]))));
}

/** The whole store as a fetched graph (what a backward traversal would have read, and more). */
export function fetchedOf(store: FakeStore): FetchedGraph {
  return {
    units: (store.units ?? new Map()) as any,
    lots: (store.lots ?? new Map()) as any,
    vendorLots: (store.vendorLots ?? new Map()) as any,
    vendors: (store.vendors ?? new Map()) as any,
    roundTrips: 0,
  };
}

/**
 * A document as MongoDB's projection of top-level fields leaves it: with an inclusion (1s) only `_id` and the fields
 * named, with an exclusion (0s) all but those; undefined: the whole document.
 */
export function projected(doc: Record<string, any>, projection?: Record<string, 0 | 1>): Record<string, any> {
  if (!projection) return doc;
  const including = Object.values(projection).some((v) => v === 1);
  return Object.fromEntries(Object.entries(doc).filter(([field]) => field === '_id' || (including ? projection[field] === 1 : projection[field] !== 0)));
}

/**
 * Reads by `_id` from the store, each recorded (collection and ids): what the fake readers are made of. A read with a
 * projection gets only the fields the database would send (projected).
 */
export function recordedReads(store: FakeStore): {
  reads: { collection: string; ids: string[] }[];
  by: (collection: string, projection?: Record<string, 0 | 1>) => (ids: string[]) => Promise<any[]>;
} {
  const reads: { collection: string; ids: string[] }[] = [];
  const by = (collection: string, projection?: Record<string, 0 | 1>) => async (ids: string[]) => {
    reads.push({ collection, ids });
    return ids.flatMap((id) => (store[collection]?.has(id) ? [projected(structuredClone(store[collection]!.get(id)!), projection)] : [])) as any[];
  };
  return { reads, by };
}

/** Lots as GenealogyRepository.findLots reads them (lotsWithDerived), with the projection the read asks for (lotProjectionOf). */
export function fakeFindLots(by: ReturnType<typeof recordedReads>['by']): (ids: string[], read?: LotReads) => Promise<LotDoc[]> {
  return async (ids, read) => lotsWithDerived(await by('lots', lotProjectionOf(read))(ids), by('lotDerivedBuckets'), read?.stats);
}

/** A forward reader over the store that records each read (collection and ids). */
export function readerOf(store: FakeStore): ForwardReader & ProductUnitsReader & RecordSources & RetractionReader & { reads: { collection: string; ids: string[] }[] } {
  const { reads, by } = recordedReads(store);
  return {
    reads,
    findLots: fakeFindLots(by),
    findLotUseIndexes: by('lotUseIndex'),
    findLotUses: by('lotUses'),
    findLotBrandUseIndexes: by('lotBrandUseIndex'),
    findLotBrandUses: by('lotBrandUses'),
    findUnits: by('units'),
    findVendorLots: by('vendorLots'),
    findVendors: by('vendors'),
    findVendorSupplyIndexes: by('vendorSupplyIndex'),
    findVendorSupplies: by('vendorSupplies'),
    findProductUnitIndexes: by('productUnitIndex'),
    findProductUnits: by('productUnits'),
    findShipmentUnits: by('shipmentUnits'),
    findShipmentUnitBuckets: by('shipmentUnitBuckets'),
    findVendorLotCodes: by('vendorLotCodes'),
    findWorkOrders: by('workOrders'),
    findWorkOrderUnits: by('workOrderUnits'),
    findRetractions: by('retractions'),
  };
}

/**
 * A diamond lattice `depth` levels deep: one top unit, then two units per level, each built into both units of the
 * level above (a shop-floor error the ingest accepts); each unit holds a lot merged from both lots of the level
 * below it, so the lot lineage is a lattice too. 2^depth paths, 2 * depth + 1 units, about 10 events a level.
 */
export function diamondLattice(prefix: string, depth: number, brand = 'Acme'): { top: string; bottomLot: string; units: string[]; events: TraceEvent[] } {
  let n = 0;
  const at = (): string => new Date(Date.UTC(2026, 10, 1, 6, 0, n)).toISOString();
  const ev = <T extends TraceEvent['type']>(type: T, data: Extract<TraceEvent, { type: T }>['data']): TraceEvent =>
    makeEvent(type, data as never, { occurredAt: at(), eventId: `${prefix}-e${++n}` }) as TraceEvent;
  const unitsAt = (level: number): string[] => (level === 0 ? [`${prefix}-L0`] : [`${prefix}-L${level}a`, `${prefix}-L${level}b`]);
  const lotsAt = (level: number): string[] => [`${prefix}-M${level}`, `${prefix}-N${level}`];
  const events: TraceEvent[] = [
    ev('MaterialReceived', {
      receiptId: `${prefix}-GR`, vendorId: `${prefix}-V`, manufacturer: 'M', mpn: 'MPN', internalPartNumber: 'I', vendorLotCode: 'VL',
      receivedAt: at(), uom: 'pcs', packages: lotsAt(depth + 1).map((lotId) => ({ lotId, quantity: 1_000 })),
    }),
  ];
  // Lots from the bottom up: level i's two lots are each merged from both lots of level i + 1.
  for (let level = depth; level >= 0; level--) for (const lotId of lotsAt(level)) events.push(ev('LotMerged', { sourceLotIds: lotsAt(level + 1), lotId }));
  const units: string[] = [];
  for (let level = 0; level <= depth; level++) {
    for (const serial of unitsAt(level)) {
      units.push(serial);
      events.push(ev('UnitStarted', { serial, brand, productPartNumber: `${prefix}-P${level}`, workOrder: `${prefix}-WO` }));
      events.push(ev('MaterialInstalled', { serial, lotId: lotsAt(level)[0]!, quantity: 1, refDes: [`R${level}`] }));
      for (const parent of level === 0 ? [] : unitsAt(level - 1)) events.push(ev('UnitAssembled', { serial: parent, childSerial: serial }));
    }
  }
  return { top: unitsAt(0)[0]!, bottomLot: lotsAt(depth + 1)[0]!, units, events };
}
