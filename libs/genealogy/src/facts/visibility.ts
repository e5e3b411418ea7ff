import { earliest } from './facts';
import { type Provenance, eventIdOf, provenanceFrom } from './provenance';
import type { FactMap, RetractionDoc, Timed } from '../storage/graph.documents';

// Which facts an answer is made of, decided at read time and in one place. The graph keeps every fact an event
// established, retracted or not: a retraction is a document of its own (keyed by the retracted event id), so it wins
// in any order of delivery, and an answer "as of" a moment is the same graph read with a cut-off.

/** Why a fact is out of the answers: the EventRetracted that took its event back. */
export interface Retraction {
  reason: string;
  provenance: Provenance;
}

/** What one query may see: the retractions of the events it has read, and the moment it answers as of (absent: now). */
export interface Visibility {
  retractions: ReadonlyMap<string, Retraction>;
  asOf?: Date;
}

const time = (fact: Timed): number => new Date(fact.at).getTime();

/** The retraction of the event behind `fact`, if there is one. */
export const retractionOf = (fact: Timed, v: Visibility): Retraction | undefined => v.retractions.get(eventIdOf(fact.prov));

/** Whether the fact happened at or before the view's asOf (always, without one). */
export const happenedBy = (fact: Timed, v: Visibility): boolean => v.asOf === undefined || time(fact) <= v.asOf.getTime();

/** Whether a fact is part of an answer: its event is not retracted and, with an asOf, it happened at or before it. */
export const isVisible = (fact: Timed, v: Visibility): boolean => !v.retractions.has(eventIdOf(fact.prov)) && happenedBy(fact, v);

/** The retraction that counts for an event: the earliest by occurredAt (the event id breaks ties), so arrival never decides. */
export function retractionIn(doc: RetractionDoc): Retraction | undefined {
  const first = earliest(doc.retractions);
  return first && { reason: first.reason, provenance: provenanceFrom(first.prov) };
}

const isRecord = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x) && !(x instanceof Date);
const isTimed = (x: unknown): x is Timed =>
  isRecord(x) && 'at' in x && (typeof x.prov === 'string' || (isRecord(x.prov) && typeof x.prov.eventId === 'string'));
const isFactMap = (x: unknown): x is FactMap<unknown> => isRecord(x) && !isTimed(x) && Object.values(x).some(isTimed);

/** The event ids of every fact of a document: its single facts (a unit's start, a lot's receipt) and its maps of facts. */
export function eventIdsOf(doc: object): string[] {
  const ids: string[] = [];
  forEachEventId([doc], (id) => ids.push(id));
  return ids;
}

/**
 * Calls `f` with the event id of every fact of `docs` (a document's single facts, and each timed value of a record: a map
 * of facts), without building a list or arrays of values: every read of every answer goes through here, and a unit's
 * installs are thousands of facts.
 */
function forEachEventId(docs: readonly object[], f: (id: string) => void): void {
  for (const doc of docs) {
    const d = doc as Record<string, unknown>;
    for (const field in d) {
      const value = d[field];
      if (isTimed(value)) f(eventIdOf(value.prov));
      else if (isRecord(value)) {
        for (const key in value) {
          const fact = value[key];
          if (isTimed(fact)) f(eventIdOf(fact.prov));
        }
      }
    }
  }
}

/** What an event id asked for while the view reads no retraction waits for: nothing. */
const NOTHING_TO_READ: Promise<void> = Promise.resolve();

/** A retracted fact kept aside for a history answer, with its retraction. */
export type RetractedFact<T> = T & { retraction: Retraction };

/** The facts a view took out as retracted (only those that happened by its asOf), by field and fact key. */
export type RetractedFacts = Record<string, FactMap<RetractedFact<Timed>>>;

/** A document as a view sees it: only visible facts; retracted ones aside under `retracted`. */
export type Seen<T> = T & { retracted?: RetractedFacts };

/**
 * The document as `v` sees it: every fact that is not visible taken out, single facts and maps of facts alike; those out
 * because retracted (and that happened by the asOf) kept under `retracted`, for history. A unit without its start has
 * no brand either: its brand is its UnitStarted's. Pure; the stored document is not changed.
 */
export function visibleDoc<T extends object>(doc: T, v: Visibility): Seen<T> {
  if (v.retractions.size === 0 && v.asOf === undefined) return doc;
  const out: Record<string, unknown> = {};
  const retracted: RetractedFacts = {};
  const aside = (field: string, key: string, fact: Timed): void => {
    const retraction = retractionOf(fact, v);
    if (retraction && happenedBy(fact, v)) (retracted[field] ??= {})[key] = { ...fact, retraction };
  };
  for (const [field, value] of Object.entries(doc)) {
    if (isTimed(value)) {
      if (isVisible(value, v)) out[field] = value;
      else aside(field, '', value);
    } else if (isFactMap(value)) {
      const kept: Record<string, unknown> = {};
      for (const [key, fact] of Object.entries(value)) {
        if (!isTimed(fact) || isVisible(fact, v)) kept[key] = fact;
        else aside(field, key, fact);
      }
      out[field] = kept;
    } else out[field] = value;
  }
  if ('started' in doc && !('started' in out)) delete out.brand;
  if (Object.keys(retracted).length > 0) out.retracted = retracted;
  return out as Seen<T>;
}

/** Reads retractions by the ids of the events they retract: one round trip by `_id`. */
export interface RetractionReader {
  findRetractions(eventIds: string[]): Promise<RetractionDoc[]>;
  /** Whether any retraction was ever recorded (one small read); a reader without it is asked for every event. */
  anyRetraction?(): Promise<boolean>;
}

/**
 * One query's view of the facts: the retractions of every event it has read so far (each event id asked for once) and
 * its asOf. Learning a level's retractions is one round trip; a traversal may overlap it with the next level's read.
 */
export class FactView implements Visibility {
  readonly retractions = new Map<string, Retraction>();
  /** Every event id asked for, with the read that answers it (settled or still on its way). */
  private readonly asked = new Map<string, Promise<void>>();
  /**
   * Whether there is any retraction to look up, asked once when the view opens (where the reader can tell): while none
   * was ever recorded, learning reads nothing. A retraction recorded after the view opened is seen by the next view, as
   * one recorded just after the answer. A failed probe means "look them up".
   */
  private readonly anyRetraction: Promise<boolean>;
  /** Set once the probe has answered that no retraction was ever recorded: learning then reads nothing. */
  private noRetraction = false;
  /**
   * Documents whose every event id was noted (while noRetraction): learning one again has nothing fresh to note. A
   * WeakSet, not a Set: a reader that counts and drops what it reads (a deviation's count, a slice of units at a time)
   * must not have every document it ever read held here until the answer ends.
   */
  private readonly noted = new WeakSet<object>();
  constructor(
    private readonly reader: RetractionReader,
    readonly asOf?: Date,
  ) {
    this.anyRetraction = reader.anyRetraction ? reader.anyRetraction().catch(() => true) : Promise.resolve(true);
    void this.anyRetraction.then((any) => (this.noRetraction = !any));
  }

  /**
   * Reads the retractions of the events behind `docs` not asked for before, and waits for those asked for by an
   * earlier call still on their way (a read ahead), so the view knows every retraction of `docs` once it resolves.
   * Resolves false when it read nothing new, so a round trip is counted only when made.
   *
   * Once the probe has said no retraction was ever recorded, nothing is read: each event id is only noted as asked
   * (no read, no promise, no list of ids), so the count stays what it would be with retractions of other events.
   */
  async learn(docs: readonly object[]): Promise<boolean> {
    if (this.noRetraction) return this.note(docs);
    const ids: string[] = [];
    const waits = new Set<Promise<void>>();
    for (const d of docs) {
      for (const id of eventIdsOf(d)) {
        const pending = this.asked.get(id);
        if (pending) waits.add(pending);
        else ids.push(id);
      }
    }
    if (ids.length > 0) {
      const read = this.lookUp(ids).then((found) => {
        for (const doc of found) {
          const r = retractionIn(doc);
          if (r) this.retractions.set(doc._id, r);
        }
      });
      // A failed read is forgotten, so a later call asks again (and fails loudly) instead of trusting nothing came back.
      read.catch(() => ids.forEach((id) => this.asked.get(id) === read && this.asked.delete(id)));
      for (const id of ids) this.asked.set(id, read);
      waits.add(read);
    }
    await Promise.all(waits);
    return ids.length > 0; // counted as asked whether or not the probe spared the read: the count tells nothing of the site
  }

  /** learn once the probe said there is no retraction: whether `docs` hold an event id not asked before, each noted. */
  private note(docs: readonly object[]): boolean {
    const asked = this.asked;
    const before = asked.size;
    // One hash operation an id (set, then the size tells whether it was fresh), not a lookup and then a set: an
    // answer notes tens of thousands. Overwriting an id asked before is harmless here: nothing is read or awaited any more.
    const noteId = (id: string): void => void asked.set(id, NOTHING_TO_READ);
    // The same document learnt twice (the judgement learns what the read ahead learnt; parts share approvals) is
    // scanned once: its event ids are all noted already.
    const noted = this.noted;
    let fresh: object[] | undefined; // one scan of every document not noted yet, not one list a document
    for (const doc of docs) {
      if (noted.has(doc)) continue;
      noted.add(doc);
      (fresh ??= []).push(doc);
    }
    if (fresh) forEachEventId(fresh, noteId);
    return asked.size > before;
  }

  /** Whether this view will look retractions up at all (the probe's answer): false while none was ever recorded. */
  looksUp(): Promise<boolean> {
    return this.anyRetraction;
  }

  private async lookUp(ids: string[]): Promise<RetractionDoc[]> {
    return (await this.anyRetraction) ? this.reader.findRetractions(ids) : [];
  }

  /** A document as this view sees it (see visibleDoc). */
  see<T extends object>(doc: T): Seen<T> {
    return visibleDoc(doc, this);
  }
}

type Finder = (ids: string[], ...rest: unknown[]) => Promise<object[]>;

/**
 * A reader of the `find*` methods of `reader`, each answering documents as `view` sees them: the documents, then the retractions of their
 * events (one more round trip per read), then pruned. Methods that read no facts (forward-edge buckets, indexes) pass
 * through. For traversals that read one level at a time; the backward walk overlaps the two instead (GraphFetcher).
 */
export function visibleReader<R extends object>(reader: R, view: FactView): R {
  const wrapped: Record<string, unknown> = {};
  for (const name of methodNames(reader)) {
    const method = (reader as Record<string, unknown>)[name];
    if (typeof method !== 'function' || !name.startsWith('find')) continue; // the reader's reads only
    const bound = (method as Finder).bind(reader);
    wrapped[name] = PASS_THROUGH.has(name)
      ? bound
      : async (ids: string[], ...rest: unknown[]) => {
          const docs = await bound(ids, ...rest); // a read's options (findLots' stats) go through
          await view.learn(docs);
          return docs.map((d) => view.see(d));
        };
  }
  return wrapped as R;
}

// Reads of derived structures (buckets of forward edges, their indexes): no facts of their own, nothing to prune.
const PASS_THROUGH = new Set([
  'findRetractions',
  'findLotUses',
  'findLotUseIndexes',
  'findLotBrandUses',
  'findLotBrandUseIndexes',
  'findProductUnits',
  'findProductUnitIndexes',
  'findPartReceipts',
  'findPartReceiptBuckets',
  'findVendorSupplies',
  'findVendorSupplyIndexes',
]);

function methodNames(o: object): string[] {
  const names = new Set<string>(Object.keys(o));
  for (let p = Object.getPrototypeOf(o); p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    for (const n of Object.getOwnPropertyNames(p)) if (n !== 'constructor') names.add(n);
  }
  return [...names];
}
