import type { LotStatus } from '@trace/contracts';
import type { FactMap, LotDoc, Timed, VendorLotDoc } from '../storage/graph.documents';
import { eventIdOf } from './provenance';

// Reading facts out of documents: every traversal orders them and decides the current state the same way.

/** A lot's status as the genealogy tells it: the latest change by occurredAt, else released once the lot exists. */
export function lotStatusOf(lot: LotDoc | undefined): LotStatus | 'unknown' {
  return chronological(lot?.statuses).at(-1)?.status ?? (lot?.receipt || Object.keys(lot?.receipts ?? {}).length > 0 || Object.keys(lot?.sources ?? {}).length > 0 ? 'released' : 'unknown');
}

/** A vendor lot's label beyond its key, as its receipts gave it: only the fields they gave (an answer holds no undefined). */
export function vendorLotDetailsOf(doc: VendorLotDoc): Pick<VendorLotDoc, 'manufacturer' | 'internalPartNumber' | 'dateCode' | 'countryOfOrigin'> {
  return {
    ...(doc.manufacturer !== undefined ? { manufacturer: doc.manufacturer } : {}),
    ...(doc.internalPartNumber !== undefined ? { internalPartNumber: doc.internalPartNumber } : {}),
    ...(doc.dateCode !== undefined ? { dateCode: doc.dateCode } : {}),
    ...(doc.countryOfOrigin !== undefined ? { countryOfOrigin: doc.countryOfOrigin } : {}),
  };
}

/** Code-unit order of strings: the same on every machine and locale, unlike localeCompare. */
export const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Two facts in the order they happened: occurredAt, then the event id (the order `chronological` gives). */
export const byTimeThenEventId = (a: Timed, b: Timed): number => new Date(a.at).getTime() - new Date(b.at).getTime() || compare(eventIdOf(a.prov), eventIdOf(b.prov));

/** The fact that happened first (the event id breaking ties), in one pass: `chronological(m)[0]` without the sort. */
export function earliest<T extends Timed>(facts: FactMap<T> | readonly T[] | undefined): T | undefined {
  let first: T | undefined;
  for (const fact of Array.isArray(facts) ? (facts as readonly T[]) : Object.values(facts ?? {})) if (first === undefined || byTimeThenEventId(fact, first) < 0) first = fact;
  return first;
}
/** The facts of a map, in no particular order. */
export const values = <T>(m: FactMap<T> | undefined): T[] => (m ? Object.values(m) : []);
/** Facts in the order they happened; the event id breaks ties so the order never depends on arrival. */
export const chronological = <T extends Timed>(m: FactMap<T> | undefined): T[] => inOrderOfTime(values(m));

/**
 * Facts sorted by occurredAt, then event id: each time parsed once, not twice per comparison (a unit's thousands of
 * installs made tens of thousands of Date parses an answer). The same order as comparing `new Date(at)` pair by pair.
 */
export function inOrderOfTime<T extends Timed>(facts: T[]): T[] {
  if (facts.length < 2) return facts;
  const keyed = facts.map((fact) => ({ fact, t: new Date(fact.at).getTime() }));
  keyed.sort((a, b) => a.t - b.t || compare(eventIdOf(a.fact.prov), eventIdOf(b.fact.prov)));
  for (let i = 0; i < keyed.length; i++) facts[i] = keyed[i]!.fact;
  return facts;
}
