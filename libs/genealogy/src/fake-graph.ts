import type { KafkaPosition, TraceEvent } from '@trace/contracts';
import type { FetchedGraph } from './backward-trace';
import { GraphWrite, graphWritesFor } from './graph-writes';
import type { ForwardReader, ProductUnitsReader } from './where-used';

// For tests: the graph's documents as the ingest would leave them, without a database.

/** Documents by collection and id. */
export type FakeStore = Record<string, Map<string, Record<string, any>>>;

/** MongoDB's `$set` with dotted paths and upsert, enough to apply graph writes. */
export function applyWrites(store: FakeStore, writes: GraphWrite[]): void {
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

/** The store after recording `events` in the given order. */
export function storeOf(events: TraceEvent[]): FakeStore {
  const store: FakeStore = {};
  const at = (i: number): KafkaPosition => ({ topic: 't', partition: 0, offset: String(i) });
  events.forEach((event, i) => applyWrites(store, graphWritesFor({ event, position: at(i) })));
  return store;
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

/** A forward reader over the store that records each read (collection and ids). */
export function readerOf(store: FakeStore): ForwardReader & ProductUnitsReader & { reads: { collection: string; ids: string[] }[] } {
  const reads: { collection: string; ids: string[] }[] = [];
  const by = (collection: string) => async (ids: string[]) => {
    reads.push({ collection, ids });
    return ids.flatMap((id) => (store[collection]?.has(id) ? [structuredClone(store[collection]!.get(id)!)] : [])) as any[];
  };
  return {
    reads,
    findLots: by('lots'),
    findLotUseIndexes: by('lotUseIndex'),
    findLotUses: by('lotUses'),
    findUnits: by('units'),
    findVendorLots: by('vendorLots'),
    findVendors: by('vendors'),
    findProductUnitIndexes: by('productUnitIndex'),
    findProductUnits: by('productUnits'),
  };
}
