import { chronological } from '../facts/facts';
import { holdsLot, parentSerials } from '../facts/as-built';
import { UnitStart, unitStartOf } from '../facts/claims';
import { holdOf } from '../facts/candidates';
import { BrandScope, inScope } from '../genealogy.types';
import type { Timed, UnitDoc } from '../storage/graph.documents';
import type { RetractedFact, Retraction, Seen } from '../facts/visibility';
import { matchesTop } from './filters';
import type { ForwardReader } from './forward-reader';
import type { ReachedWithBuckets } from './lineage';
import type { PathStep, TraversalStats, WhereUsedFilter, WhereUsedRow } from './where-used.types';

/** A serial that a lot of the answer was installed in, as read from a forward-edge bucket. */
export interface Use {
  lot: ReachedWithBuckets;
  /** The id of the forward-edge bucket it was read from. */
  bucket: string;
  serial: string;
}

export interface RowQuery {
  filter: WhereUsedFilter;
  scope: BrandScope;
  history: boolean;
}

/**
 * Units read as parents (built into by a serial of the answer) for the rest of one answer: a unit built from several
 * serials is read once, not once per batch its children fall in (their buckets are by hash, so siblings rarely share a
 * batch). Capped, so memory stays bounded whatever the size of the answer; past the cap the oldest are read again.
 */
export class ParentUnits {
  private readonly docs = new Map<string, UnitDoc | null>();
  /** Parents being read by a batch, so that a batch read beside it waits for that read instead of reading them again. */
  private readonly reads = new Map<string, Promise<Map<string, UnitDoc | null>>>();
  constructor(private readonly cap = PARENT_CACHE) {}
  get(serial: string): UnitDoc | null | undefined {
    return this.docs.get(serial);
  }
  set(serial: string, doc: UnitDoc | null): void {
    if (this.docs.size >= this.cap) this.docs.delete(this.docs.keys().next().value!);
    this.docs.set(serial, doc);
  }
  /** The read in flight that will give this parent, if any. */
  reading(serial: string): Promise<Map<string, UnitDoc | null>> | undefined {
    return this.reads.get(serial);
  }
  /** Reads the parents with `find`, holding them once read; resolves to them by serial (null: no such unit). */
  read(serials: string[], find: () => Promise<UnitDoc[]>): Promise<Map<string, UnitDoc | null>> {
    const read = (async () => {
      try {
        const got = new Map<string, UnitDoc | null>();
        for (const d of await find()) got.set(d._id, d);
        for (const s of serials) {
          if (!got.has(s)) got.set(s, null);
          this.set(s, got.get(s)!);
        }
        return got;
      } finally {
        for (const s of serials) this.reads.delete(s);
      }
    })();
    for (const s of serials) this.reads.set(s, read);
    return read;
  }
}

/**
 * Up to 50,000 parent units held per answer: a parent is read without its installs and children (about 0.9 KB of heap
 * for a system of one start, measured), so some 45 MB at most. Fewer re-read parents in a large answer: its rows come in
 * bucket (hash) order, so a parent's children are spread over the whole answer, and with 20,000 a 100,000-board answer
 * of systems of four read 34,800 systems for its 25,000 (simulated: 1.39 times).
 */
const PARENT_CACHE = 50_000;

/**
 * What one answer remembers of the units it climbed through, each held by its document (weakly): a parent read once
 * for the answer (ParentUnits) is the same document in every batch, so its start and its tops are decided once for the
 * answer, not once per batch its children fall in. Bounded by the documents held: the batch and the capped parents.
 */
export class ClimbMemo {
  readonly parents: ParentUnits;
  /** A unit's start (unitStartOf), once per document. */
  readonly starts = new WeakMap<UnitDoc, UnitStart>();
  /** A unit's top-level units and a chain up to each (topsOf), once per document above a use's serial. */
  readonly tops = new WeakMap<UnitDoc, Map<string, string[]>>();
  /** The one walk of every climb: its set is empty again after each, and a cut is counted as a difference. */
  readonly walk = { climbing: new Set<string>(), cuts: 0 };
  /** The parts of the row being given to a sink (rowsOfUse), one object for the answer. */
  readonly parts = {} as RowParts;
  constructor(parents = new ParentUnits()) {
    this.parents = parents;
  }
  startOf(units: Map<string, UnitDoc | null>, serial: string): UnitStart {
    const unit = units.get(serial);
    if (!unit) return unitStartOf(undefined);
    let start = this.starts.get(unit);
    if (start === undefined) this.starts.set(unit, (start = unitStartOf(unit)));
    return start;
  }
}

const NO_SERIALS: readonly string[] = Object.freeze([]);

// parentSerials without its lists for the common unit: built into one parent and never taken out (a unit in
// several parents, or with a detachment, goes through parentSerials itself).
function parentsOf(unit: UnitDoc, history = false): readonly string[] {
  const parents = unit.parents;
  if (parents === undefined) return NO_SERIALS;
  if (!history && unit.detachments !== undefined) for (const _ in unit.detachments) return parentSerials(unit, history);
  let only: string | undefined;
  for (const k in parents) {
    const serial = parents[k]!.serial;
    if (only === undefined) only = serial;
    else if (serial !== only) return parentSerials(unit, history);
  }
  return only === undefined ? NO_SERIALS : [only];
}

// Whether any installation of the unit is a grey-zone one (candidates), without listing them.
function anyCandidates(unit: UnitDoc): boolean {
  const installs = unit.installs;
  if (installs !== undefined) for (const k in installs) if (installs[k]!.candidates) return true;
  return false;
}

// holdsLot for the common unit, nothing removed from it: whether an installation of the lot is there.
function holdsNow(unit: UnitDoc, lotId: string): boolean {
  if (unit.removals !== undefined) return holdsLot(unit, lotId);
  const installs = unit.installs;
  if (installs !== undefined) for (const k in installs) if (installs[k]!.lotId === lotId) return true;
  return false;
}

/**
 * The units a batch of uses climbs through, read from the serials up to their top-level units: one round trip per level
 * of assembly for the whole batch. The serials of the uses are read whole (their installs decide the rows); the units
 * above them as parents only (findParentUnits: without installs and children, which the climb never reads), from
 * `parents` when an earlier batch read them.
 */
export async function readClimb(reader: ForwardReader, uses: Use[], history: boolean, stats: TraversalStats, parents = new ParentUnits()): Promise<Map<string, UnitDoc | null>> {
  const units = new Map<string, UnitDoc | null>();
  let need = [...new Set(uses.map((u) => u.serial))];
  let level = 0;
  while (need.length > 0) {
    if (level === 0) {
      const docs = await reader.findUnits(need);
      stats.roundTrips++;
      for (const d of docs) units.set(d._id, d);
      if (docs.length < need.length) for (const s of need) if (!units.has(s)) units.set(s, null);
    } else {
      // Parents held for the answer are taken as they are (before any read, so none is dropped from the cap under
      // this batch); those a batch beside this one is reading are waited for; only the others are read.
      const toRead: string[] = [];
      const waits = new Set<Promise<Map<string, UnitDoc | null>>>();
      for (const s of need) {
        const held = parents.get(s);
        if (held !== undefined) units.set(s, held);
        else {
          const reading = parents.reading(s);
          if (reading) waits.add(reading);
          else toRead.push(s);
        }
      }
      if (toRead.length > 0) {
        waits.add(parents.read(toRead, () => (reader.findParentUnits ? reader.findParentUnits(toRead) : reader.findUnits(toRead))));
        stats.roundTrips++;
      }
      // A read of another batch gives more than this one needs: the rest is kept too (a unit already here, read whole
      // as a use's serial, is not replaced by its parent form).
      for (const got of await Promise.all(waits)) for (const [s, d] of got) if (!units.has(s)) units.set(s, d);
    }
    const next = new Set<string>();
    for (const s of need) {
      const d = units.get(s);
      if (d) for (const p of parentsOf(d, history)) if (!units.has(p)) next.add(p);
    }
    need = [...next];
    level++;
  }
  return units;
}

/**
 * One row of a use as the climb decides it, before it is made a row object (rowOf) or written as an NDJSON line
 * (LineWriter): one object per answer, overwritten for each row, so a line costs no objects of its own.
 */
export interface RowParts {
  use: Use;
  topSerial: string;
  /** The top-level unit's document; undefined when it was never read (a unit nothing started). */
  top: UnitDoc | undefined;
  /** The units from the use's serial up to the top-level one (the serial first, the top last). */
  chain: string[];
  start: UnitStart;
  removed: boolean;
  retraction: Retraction | undefined;
  /** Only when the lot is a candidate in the serial: every package it may have come from, sorted. */
  candidateLotIds: string[] | undefined;
}

/** What receives the rows of a use (each row's parts, valid only during the call). */
export type RowSink = (parts: Readonly<RowParts>) => void;

// The unit document, not the lot_uses index, decides whether the lot is in the serial.
/** The rows of one use over the units its batch's climb read (readClimb), given to `sink` in order. */
export function rowsOfUse(use: Use, units: Map<string, UnitDoc | null>, { filter, scope, history }: RowQuery, memo: ClimbMemo, sink: RowSink): void {
  const unit = units.get(use.serial);
  if (!unit) return;
  // A grey-zone installation holds each of its candidate packages, marked candidate, until a splice point settles it.
  const hold = anyCandidates(unit) ? holdOf(unit, use.lot.lotId, use.lot.splicePoints) : undefined;
  const installedNow = hold ? hold.now : holdsNow(unit, use.lot.lotId);
  const once = installedNow || (history && (hold ? hold.ever : holdsLot(unit, use.lot.lotId, true)));
  // With history, a use that only a retracted installation made is shown too, marked retracted.
  const retraction = !once && history ? retractedUseOf(unit, use.lot.lotId) : undefined;
  if (!once && !retraction) return;
  const candidateLotIds = hold?.candidate ? [use.lot.lotId, ...hold.others].sort() : undefined;
  const parts = memo.parts;
  for (const [topSerial, chain] of topsOf(use.serial, units, history, memo.tops, memo.walk)) {
    // Every unit on the way up must be in scope, as in the genealogy, where another brand's sub-assembly is
    // shown by serial and product only: what it holds is never told, here neither.
    // A unit whose brand is in conflict is in no brand's scope, whichever brand's edge led here (fail closed).
    // Site-wide, every unit is in scope: no start on the way is decided for it (most units of an answer are on no
    // row's top; deciding a start is the costliest step of a row).
    if (scope.kind !== 'site' && !chain.every((s) => inScope(scope, memo.startOf(units, s).agreed.brand))) continue;
    const top = units.get(topSerial) ?? undefined;
    const start = memo.startOf(units, topSerial);
    if (!matchesTop(filter, start.agreed.brand, start.agreed.productPartNumber, top?.shipments !== undefined && hasAny(top.shipments), candidateLotIds !== undefined)) continue;
    parts.use = use;
    parts.topSerial = topSerial;
    parts.top = top;
    parts.chain = chain;
    parts.start = start;
    // Without history the chain climbs only parents in place (topsOf): a link taken out is possible only with it.
    parts.removed = !installedNow || (history && chain.some((s, i) => i > 0 && !parentSerials(units.get(chain[i - 1]!)!).includes(s)));
    parts.retraction = retraction;
    parts.candidateLotIds = candidateLotIds;
    sink(parts);
  }
}

function hasAny(m: object): boolean {
  for (const _ in m) return true;
  return false;
}

/** The row object of a row's parts, its fields in the order whereUsedRowJson and LineWriter write them. */
export function rowOf({ use, topSerial, top, chain, start, removed, retraction, candidateLotIds }: Readonly<RowParts>): WhereUsedRow {
  const shipments = top?.shipments ? chronological(top.shipments).map((s) => ({ shipmentId: s.shipmentId, customer: s.customer })) : [];
  const path: PathStep[] = use.lot.path.slice();
  for (let i = 0; i < chain.length; i++) path.push({ kind: 'serial', id: chain[i]!, via: i === 0 ? 'installed' : 'assembled' });
  // Fields in this order, the optional ones only when they have a value (whereUsedRowJson writes them so).
  const row = { lotId: use.lot.lotId, serial: use.serial, topSerial } as WhereUsedRow;
  if (start.agreed.brand !== undefined) row.brand = start.agreed.brand;
  if (start.agreed.productPartNumber !== undefined) row.productPartNumber = start.agreed.productPartNumber;
  if (start.conflicts.length > 0) row.conflictingFields = start.conflicts.map((c) => c.field);
  row.shipped = shipments.length > 0;
  row.shipments = shipments;
  row.path = path;
  row.removed = removed;
  if (retraction) {
    row.retracted = true;
    row.retraction = retraction;
  }
  if (candidateLotIds) {
    row.candidate = true;
    row.candidateLotIds = candidateLotIds;
  }
  return row;
}

/** The retraction of an installation of `lotId` in the unit, as its view kept it aside (see visibleDoc). */
function retractedUseOf(unit: Seen<UnitDoc>, lotId: string): Retraction | undefined {
  const installs = Object.values(unit.retracted?.installs ?? {}) as RetractedFact<{ lotId: string } & Timed>[];
  return installs.find((i) => i.lotId === lotId)?.retraction;
}

// The top-level units above `serial` (units built into nothing), each with one chain up to it: the first found,
// parents in place before those taken out (history). The units above the serial are memoized by document (for the
// answer: see ClimbMemo), so a unit built into two parents at every level costs the distinct units and tops, not the
// 2^depth chains; the serial itself is not (it is a use's, read for its batch alone: a weak entry per use would cost
// the collector more than the climb it saves). A cycle ends the climb where it would repeat (and what was computed
// inside one is not kept, being cut short).
export function topsOf(
  serial: string,
  units: Map<string, UnitDoc | null>,
  history: boolean,
  memo: WeakMap<UnitDoc, Map<string, string[]>>,
  walk: { climbing: Set<string>; cuts: number },
  above = false,
): Map<string, string[]> {
  const unit = units.get(serial);
  if (!unit) return new Map([[serial, [serial]]]);
  const known = above ? memo.get(unit) : undefined;
  if (known) return known;
  const current = parentsOf(unit);
  const parents = history ? [...current, ...parentsOf(unit, true).filter((p) => !current.includes(p))] : current;
  const cutsBefore = walk.cuts;
  walk.climbing.add(serial);
  const found = new Map<string, string[]>();
  for (const p of parents) {
    if (p === serial || walk.climbing.has(p)) {
      walk.cuts++;
      continue;
    }
    for (const [top, chain] of topsOf(p, units, history, memo, walk, true)) if (!found.has(top)) found.set(top, [serial, ...chain]);
  }
  walk.climbing.delete(serial);
  if (found.size === 0) found.set(serial, [serial]);
  if (above && walk.cuts === cutsBefore) memo.set(unit, found);
  return found;
}
