import { KafkaPosition, TraceEvent, assemblyRefDes, vendorLotId } from '@trace/contracts';
import { authorityWritesFor, isAuthorityEvent, partReceiptsWrites } from '../authority/authority-writes';
import { shipmentUnitsWrites } from '../authority/shipment-units';
import { lookupWritesFor } from '../lookup/lookup-writes';
import { BUCKET_FIELDS, bucketId, bucketOf, lotBrandUseIndexId, lotBrandUsesId, productUnitsId } from '../storage/lot-uses';
import { boundedMemo } from '../facts/bounded-memo';
import { entityKey, factKey, provenanceOf, storedProvenance } from '../facts/provenance';
import { claimedBrands, unitStartOf } from '../facts/claims';
import { ConflictMark, GraphCollection, InstallFact, LotDerivation, UnitDoc } from '../storage/graph.documents';
import { DERIVED_INLINE_CAP } from '../storage/lot-derived';

/** The packages an installation may have come from: its lot, and its candidates when it names several. */
const installedLotsOf = (i: Pick<InstallFact, 'lotId' | 'candidates'>): string[] => (i.candidates ? [...new Set([i.lotId, ...i.candidates.lotIds])] : [i.lotId]);

// The field names a shop floor's events repeat (a serial's in a bucket of serials, a bucket's in a lot's index), made
// once: a name built afresh per event is a new string that V8 flattens and looks up in its string table before it can
// be a property key, a cost the ingest paid per installation on its one thread.
/** `serials.<entityKey(serial)>`: a serial's field in a bucket of serials. */
const serialField = boundedMemo((serial: string): string => `serials.${entityKey(serial)}`);

/** A placement as the graph keeps it: the contract's fields, those given. */
function placementOf(p: { refDes: string; location?: string; placedAt?: string }): { refDes: string; location?: string; placedAt?: string } {
  const placement: { refDes: string; location?: string; placedAt?: string } = { refDes: p.refDes };
  if (p.location !== undefined) placement.location = p.location;
  if (p.placedAt !== undefined) placement.placedAt = p.placedAt;
  return placement;
}

/**
 * One idempotent upsert of one graph document: the fields to $set, by path. Or, with `push` (and `set` empty), one
 * entry added to a capped list of a document an upsert of the same event created (a lot's inline derivations,
 * lot-derived.ts): applied after the upserts, never merged with another write.
 */
export interface GraphWrite {
  collection: GraphCollection;
  id: string;
  set: Record<string, unknown>;
  push?: CappedPush;
}

/**
 * An entry for the list `field`, kept sorted by each entry's `key` and capped at `slice`: `$push` with `$each`, `$sort`
 * and `$slice` to a document whose list does not hold that key yet (no upsert). So the list is the `slice` smallest
 * keys ever pushed, each once, whatever the order, the replays and the concurrent writers.
 */
export interface CappedPush {
  field: string;
  entry: { k: string } & Record<string, unknown>;
  slice: number;
}

/**
 * The writes that record a derivation (a split or merge) on the lot it came out of: the entry in the lot's inline list
 * (capped, lot-derived.ts) and in its bucket of lot_derived_buckets, with the bucket in the lot's index of them.
 */
function derivationWrites(lotId: string, k: string, fact: LotDerivation): GraphWrite[] {
  const bucket = bucketOf(k);
  return [
    { collection: 'lots', id: lotId, set: { [DERIVED_BUCKET_FIELDS[bucket]!]: bucket } },
    { collection: 'lotDerivedBuckets', id: bucketId(lotId, bucket), set: { lotId, bucket, [`derived.${k}`]: fact } },
    { collection: 'lots', id: lotId, set: {}, push: { field: 'derivedInline', entry: { k, ...fact }, slice: DERIVED_INLINE_CAP } },
  ];
}

/** `derivedBuckets.b<n>`: a bucket's field in a lot's index of its derivation buckets. */
const DERIVED_BUCKET_FIELDS: readonly string[] = BUCKET_FIELDS.map((f) => `derived${f[0]!.toUpperCase()}${f.slice(1)}`);

/** An event together with the Kafka position it was read from. */
export interface PositionedEvent {
  event: TraceEvent;
  position: KafkaPosition;
}

/**
 * The writes that record one event in the graph. Pure: every write is a $set of fields that only this
 * event (keyed by its id) or the entity's own identity determines, so applying them twice, or in any
 * order with the writes of other events, gives the same documents.
 */
export function graphWritesFor(positioned: PositionedEvent): GraphWrite[] {
  const writes = factWritesFor(positioned);
  const lookups = lookupWritesFor(positioned);
  for (const w of lookups) writes.push(w);
  return writes;
}

function factWritesFor({ event, position }: PositionedEvent): GraphWrite[] {
  const k = factKey(event.eventId);
  const meta = { at: new Date(event.occurredAt), prov: storedProvenance(provenanceOf(event, position)) };
  if (isAuthorityEvent(event)) return authorityWritesFor(event, k, meta);
  switch (event.type) {
    case 'VendorRegistered': {
      const d = event.data;
      return [
        {
          collection: 'vendors',
          id: d.vendorId,
          set: {
            registration: { name: d.name, country: d.country, ...meta },
            [`statuses.${k}`]: { status: d.status, reason: 'registered', ...meta },
          },
        },
      ];
    }
    case 'VendorStatusChanged': {
      const d = event.data;
      return [{ collection: 'vendors', id: d.vendorId, set: { [`statuses.${k}`]: { status: d.status, reason: d.reason, ...meta } } }];
    }
    case 'MaterialReceived': {
      const d = event.data;
      const vl = vendorLotId(d);
      const lotIds = d.packages.map((p) => p.lotId);
      const bucket = bucketOf(vl);
      return [
        // The vendor's own document stays small: it only learns that it supplied (a vendor never registered is still one).
        { collection: 'vendors', id: d.vendorId, set: { supplied: true } },
        // The forward edge vendor -> vendor lot, for exposure, bucketed like lot uses: one field per vendor lot in the
        // bucket its id hashes to, and the bucket in the vendor's index; replays write the same fields again.
        { collection: 'vendorSupplies', id: bucketId(d.vendorId, bucket), set: { vendorId: d.vendorId, bucket, [`vendorLots.${entityKey(vl)}`]: vl } },
        { collection: 'vendorSupplyIndex', id: d.vendorId, set: { [BUCKET_FIELDS[bucket]!]: bucket } },
        ...partReceiptsWrites(d, vl, k),
        {
          collection: 'vendorLots',
          id: vl,
          set: {
            vendorId: d.vendorId,
            mpn: d.mpn,
            vendorLotCode: d.vendorLotCode,
            manufacturer: d.manufacturer,
            internalPartNumber: d.internalPartNumber,
            ...(d.dateCode !== undefined ? { dateCode: d.dateCode } : {}),
            ...(d.countryOfOrigin !== undefined ? { countryOfOrigin: d.countryOfOrigin } : {}),
            [`receipts.${k}`]: { receiptId: d.receiptId, receivedAt: d.receivedAt, lotIds, ...meta },
          },
        },
        ...d.packages.map(
          (p): GraphWrite => ({
            collection: 'lots',
            id: p.lotId,
            // One claim per event: a second receipt of the same package that differs is kept beside it, a conflict.
            set: {
              [`receipts.${k}`]: {
                receiptId: d.receiptId,
                vendorLotId: vl,
                vendorId: d.vendorId,
                mpn: d.mpn,
                quantity: p.quantity,
                uom: d.uom,
                receivedAt: d.receivedAt,
                ...meta,
              },
            },
          }),
        ),
      ];
    }
    case 'LotSplit': {
      const d = event.data;
      return [
        ...derivationWrites(d.sourceLotId, k, { kind: 'split', lotIds: d.newLots.map((l) => l.lotId), ...meta }),
        ...d.newLots.map(
          (l): GraphWrite => ({
            collection: 'lots',
            id: l.lotId,
            set: { [`sources.${k}`]: { kind: 'split', lotIds: [d.sourceLotId], quantity: l.quantity, ...meta } },
          }),
        ),
      ];
    }
    case 'LotMerged': {
      const d = event.data;
      return [
        { collection: 'lots', id: d.lotId, set: { [`sources.${k}`]: { kind: 'merge', lotIds: d.sourceLotIds, ...meta } } },
        ...d.sourceLotIds.flatMap((src) => derivationWrites(src, k, { kind: 'merge', lotIds: [d.lotId], ...meta })),
      ];
    }
    case 'LotStatusChanged': {
      const d = event.data;
      return [{ collection: 'lots', id: d.lotId, set: { [`statuses.${k}`]: { status: d.status, reason: d.reason, ...meta } } }];
    }
    case 'LotSpliced':
    case 'SplicePointDetected': {
      const d = event.data;
      const field = event.type === 'LotSpliced' ? 'splices' : 'splicePoints';
      const fact = {
        leadingLotId: d.leadingLotId,
        trailingLotId: d.trailingLotId,
        ...('greyZone' in d && d.greyZone !== undefined ? { greyZone: d.greyZone } : {}),
        ...(d.location !== undefined ? { location: d.location } : {}),
        ...meta,
      };
      // On both packages: either one's document tells a reader of it how a grey-zone placement settles.
      return [d.leadingLotId, d.trailingLotId].map((id): GraphWrite => ({ collection: 'lots', id, set: { [`${field}.${k}`]: fact } }));
    }
    case 'UnitStarted': {
      const d = event.data;
      const bucket = bucketOf(d.serial);
      return [
        {
          collection: 'units',
          id: d.serial,
          // One claim per event, never one field for the unit: a second start that differs is kept, a conflict.
          set: { [`starts.${k}`]: { brand: d.brand, productPartNumber: d.productPartNumber, workOrder: d.workOrder, ...meta } },
        },
        // The product's units, bucketed like lot uses: what share of a product's units a vendor's material reaches.
        {
          collection: 'productUnits',
          id: productUnitsId(d.productPartNumber, d.brand, bucket),
          set: { productPartNumber: d.productPartNumber, brand: d.brand, bucket, [serialField(d.serial)]: d.serial },
        },
        { collection: 'productUnitIndex', id: d.productPartNumber, set: { [`buckets.${entityKey(d.brand)}b${bucket}`]: { brand: d.brand, bucket } } },
      ];
    }
    case 'MaterialInstalled': {
      const d = event.data;
      const bucket = bucketOf(d.serial);
      const serialKey = serialField(d.serial);
      // Built field by field rather than by spreads: this is most of a shop floor's events. Optional fields are left
      // out rather than stored as undefined; a placement keeps the contract's fields only.
      const install: InstallFact = { lotId: d.lotId, quantity: d.quantity, refDes: d.refDes } as InstallFact;
      if (d.placements) install.placements = d.placements.map(placementOf);
      if (d.bomPartNumber !== undefined) install.bomPartNumber = d.bomPartNumber;
      if (d.candidates) install.candidates = { lotIds: [...d.candidates.lotIds], reason: d.candidates.reason };
      install.at = meta.at;
      install.prov = meta.prov;
      const writes: GraphWrite[] = [{ collection: 'units', id: d.serial, set: { [`installs.${k}`]: install } }];
      // The forward edge lot -> serial (where-used), bucketed by serial, for every candidate package too; the
      // unit's installs stay the source of truth.
      for (const lotId of installedLotsOf(install)) {
        writes.push(
          { collection: 'lotUses', id: bucketId(lotId, bucket), set: { lotId, bucket, [serialKey]: d.serial } },
          { collection: 'lotUseIndex', id: lotId, set: { [BUCKET_FIELDS[bucket]!]: bucket } },
        );
      }
      return writes;
    }
    case 'UnitAssembled': {
      const d = event.data;
      const refDes = assemblyRefDes(d); // the graph keeps one text per assembly; the contract also takes an array
      return [
        {
          collection: 'units',
          id: d.serial,
          set: { [`children.${k}`]: { childSerial: d.childSerial, ...(refDes !== undefined ? { refDes } : {}), ...meta } },
        },
        { collection: 'units', id: d.childSerial, set: { [`parents.${k}`]: { serial: d.serial, ...meta } } },
      ];
    }
    case 'UnitShipped': {
      const d = event.data;
      return [{ collection: 'units', id: d.serial, set: { [`shipments.${k}`]: { shipmentId: d.shipmentId, customer: d.customer, ...meta } } }, ...shipmentUnitsWrites(d, k, meta)];
    }
    case 'MaterialRemoved': {
      const d = event.data;
      // The lot_uses edge stays: it says the lot was once in the serial; the unit's facts say whether it still is.
      return [{ collection: 'units', id: d.serial, set: { [`removals.${k}`]: { lotId: d.lotId, refDes: d.refDes, reason: d.reason, ...meta } } }];
    }
    case 'UnitDisassembled': {
      const d = event.data;
      return [
        { collection: 'units', id: d.serial, set: { [`disassemblies.${k}`]: { childSerial: d.childSerial, reason: d.reason, ...meta } } },
        { collection: 'units', id: d.childSerial, set: { [`detachments.${k}`]: { serial: d.serial, reason: d.reason, ...meta } } },
      ];
    }
    case 'UnitDisqualified': {
      const d = event.data;
      return [{ collection: 'units', id: d.serial, set: { [`disqualifications.${k}`]: { reason: d.reason, ...meta } } }];
    }
    case 'EventRetracted': {
      // Only the retraction is written: the retracted event's facts stay, and every read leaves them out.
      const d = event.data;
      return [{ collection: 'retractions', id: d.retractedEventId, set: { [`retractions.${k}`]: { reason: d.reason, ...meta } } }];
    }
  }
}

/** Per unit, what a batch of writes set that its brand-bucketed forward edges depend on. */
export interface BrandedUseNeed {
  /** The batch added a start claim (a brand): every lot installed in it needs an edge under every claimed brand. */
  brandSet: boolean;
  /** Lots the batch installed in the unit. */
  lots: Set<string>;
}

/**
 * The units whose brand-bucketed forward edges (lot_brand_uses) a batch of writes calls for: those whose brand or
 * installations it sets. MaterialInstalled does not say the unit's brand and UnitStarted does not say its lots, so
 * these edges are derived from the unit documents after the writes are durable (GraphWriteRepository.apply).
 */
export function brandedUseNeeds(writes: Iterable<GraphWrite>): Map<string, BrandedUseNeed> {
  const needs = new Map<string, BrandedUseNeed>();
  for (const w of writes) {
    if (w.collection !== 'units') continue;
    for (const [path, value] of Object.entries(w.set)) {
      const isBrand = path.startsWith('starts.');
      const isInstall = path.startsWith('installs.');
      if (!isBrand && !isInstall) continue;
      const need = needs.get(w.id) ?? { brandSet: false, lots: new Set<string>() };
      if (isBrand) need.brandSet = true;
      else for (const lotId of installedLotsOf(value as InstallFact)) need.lots.add(lotId);
      needs.set(w.id, need);
    }
  }
  return needs;
}

/** The fields of a unit the derived writes read back (brandedUseWrites, conflictMarkWrites). */
export type DerivedFrom = Pick<UnitDoc, '_id' | 'starts' | 'started' | 'installs'>;

/**
 * The brand-bucketed forward edges of a unit as read back after a batch: for the lots the batch installed, or all
 * its lots when the batch added a start claim, under every brand any claim names. A unit whose brand is in
 * conflict thus has an edge under each brand; the readers re-check the unit's claims (brandOf), so neither brand
 * sees it, and a retraction of one side leaves the right edge in place. Every write is a $set of fields fixed by
 * (lot, brand, serial), so writing them twice or from two batches ends the same. Whichever of two concurrent batches
 * (one starting the unit, one installing a lot) reads the unit last sees both facts, since each reads only after
 * its own write is durable.
 */
export function brandedUseWrites(unit: DerivedFrom, need: BrandedUseNeed): GraphWrite[] {
  const brands = claimedBrands(unit);
  if (brands.length === 0) return []; // not started yet: its UnitStarted batch writes the edges
  const installed = new Set(Object.values(unit.installs ?? {}).flatMap(installedLotsOf));
  const lots = need.brandSet ? [...installed] : [...need.lots].filter((l) => installed.has(l));
  const bucket = bucketOf(unit._id);
  // Named once per unit (the memoized names above), not once per (lot, brand) edge: up to 700 lots x brands hashes.
  const serialKey = serialField(unit._id);
  const bucketKey = BUCKET_FIELDS[bucket]!;
  return lots.sort().flatMap((lotId): GraphWrite[] =>
    brands.flatMap((brand): GraphWrite[] => [
      { collection: 'lotBrandUses', id: lotBrandUsesId(lotId, brand, bucket), set: { lotId, brand, bucket, [serialKey]: unit._id } },
      { collection: 'lotBrandUseIndex', id: lotBrandUseIndexId(lotId, brand), set: { lotId, brand, [bucketKey]: bucket } },
    ]),
  );
}

/**
 * Whether each of a unit's product-unit buckets counts it, read back after a batch added a start claim: a unit with
 * more than one claim gets `conflicted.<serial>` set (what is in conflict: ConflictMark) in the bucket
 * of every (product, brand) claimed. The counts of a product's units and its samples leave conflicted units out, so
 * they tell no brand of a unit it may not see. A unit with one claim writes nothing: the common case costs nothing.
 * The value is a function of the stored claims alone, so the batch that reads last writes the final one.
 */
export function conflictMarkWrites(unit: DerivedFrom): GraphWrite[] {
  const start = unitStartOf(unit);
  if (start.claims.length < 2) return [];
  const fields = start.conflicts.map((c) => c.field);
  const conflicted: ConflictMark = fields.includes('productPartNumber') ? 'product' : fields.includes('brand') ? 'brand' : false;
  const bucket = bucketOf(unit._id);
  const ids = new Set(start.claims.map((c) => productUnitsId(c.productPartNumber, c.brand, bucket)));
  return [...ids].sort().map((id): GraphWrite => ({ collection: 'productUnits', id, set: { [`conflicted.${factKey(unit._id)}`]: conflicted } }));
}

/**
 * Folds writes to the same document into one, so a batch costs one operation per touched document.
 * Safe because the writes of different events set different paths (every claim is keyed by its event id); the
 * only paths two writes share are those fixed by the entity's identity, which carry the same value.
 */
export function mergeGraphWrites(writes: Iterable<GraphWrite>): GraphWrite[] {
  // Per collection, by id: no key string per write. A document written once keeps its write as it is; the first
  // repeat copies it, so the writes given are never changed (a refused bulk is retried event by event from them).
  const byCollection = new Map<GraphCollection, Map<string, { write: GraphWrite; copied: boolean }>>();
  const merged: { write: GraphWrite; copied: boolean }[] = [];
  const pushed = new Set<string>();
  for (const w of writes) {
    let ids = byCollection.get(w.collection);
    if (!ids) byCollection.set(w.collection, (ids = new Map()));
    if (w.push) {
      // The first copy of an event sent twice, as across batches (the guard keeps the entry there): the same list however batched.
      const key = JSON.stringify([w.collection, w.id, w.push.field, w.push.entry.k]);
      if (!pushed.has(key)) merged.push({ write: w, copied: false });
      pushed.add(key);
      continue;
    }
    const existing = ids.get(w.id);
    if (!existing) {
      const entry = { write: w, copied: false };
      ids.set(w.id, entry);
      merged.push(entry);
      continue;
    }
    if (!existing.copied) {
      existing.write = { collection: w.collection, id: w.id, set: { ...existing.write.set } };
      existing.copied = true;
    }
    Object.assign(existing.write.set, w.set);
  }
  return merged.map((e) => e.write);
}
