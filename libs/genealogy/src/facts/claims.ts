import { compare, inOrderOfTime, values } from './facts';
import { type Provenance, provenanceFrom } from './provenance';
import type { FactMap, LotDoc, Receipt, StartClaim, Timed, UnitDoc } from '../storage/graph.documents';

// Facts that have one value (a unit's brand, product and work order; a package's receipt) are stored once per event
// that claims them. Reading them is deciding, field by field, whether the visible claims agree: when they do, the
// value; when they do not, a conflict with every value and who said it. A conflict never picks a side.

/** Which stored facts an answer may use: every one, unless a caller (retractions, asOf) says otherwise. */
export type Visible = (fact: Timed) => boolean;
export const ALL_VISIBLE: Visible = () => true;

/** The claims of a map that are visible, in the order they happened (the event id breaks ties). */
export function claimsOf<T extends Timed>(map: FactMap<T> | undefined, visible: Visible = ALL_VISIBLE, legacy?: T): T[] {
  // values() makes a fresh array, so it is added to and sorted in place: one array per call (every lot and unit of an answer).
  const all = values(map);
  if (legacy) all.push(legacy);
  return inOrderOfTime(visible === ALL_VISIBLE ? all : all.filter(visible));
}

/** One value claimed for a field, and every event that claimed it. */
export interface ClaimedValue {
  value: string | number;
  provenance: Provenance[];
}

/** A field whose claims disagree: every value, each with its provenance, in the order first claimed. */
export interface FieldConflict {
  field: string;
  values: ClaimedValue[];
}

/** What the claims say, field by field: the agreed values, and the fields in conflict. */
export interface Agreement<T> {
  /** Only the fields every claim agrees on. */
  agreed: Partial<T>;
  conflicts: FieldConflict[];
}

/** Field by field over the claims (in order): a field with one value is agreed, a field with two or more is a conflict. */
export function agreementOf<T extends object>(claims: readonly (T & Timed)[], fields: readonly (keyof T & string)[]): Agreement<T> {
  const agreed: Partial<T> = {};
  const conflicts: FieldConflict[] = [];
  if (claims.length === 1) {
    // One claim (nearly every unit, every package): it agrees with itself on every field it names.
    for (const field of fields) if (claims[0]![field] !== undefined) agreed[field] = claims[0]![field];
    return { agreed, conflicts };
  }
  for (const field of fields) {
    const byValue = new Map<string | number, ClaimedValue>();
    for (const c of claims) {
      const value = c[field] as unknown as string | number | undefined;
      if (value === undefined) continue;
      const entry = byValue.get(value) ?? byValue.set(value, { value, provenance: [] }).get(value)!;
      entry.provenance.push(provenanceFrom(c.prov));
    }
    if (byValue.size === 1) agreed[field] = [...byValue.keys()][0] as T[typeof field];
    else if (byValue.size > 1) conflicts.push({ field, values: [...byValue.values()] });
  }
  return { agreed, conflicts };
}

const START_FIELDS = ['brand', 'productPartNumber', 'workOrder'] as const;
const RECEIPT_FIELDS = ['receiptId', 'vendorLotId', 'vendorId', 'mpn', 'quantity', 'uom', 'receivedAt'] as const;

/** How a unit was started, as its visible UnitStarted claims tell it. */
export interface UnitStart extends Agreement<StartClaim> {
  started: boolean;
  /** Every visible claim, in order. */
  claims: (StartClaim & Timed)[];
  /** The first claim's provenance: when the unit first appears. */
  provenance?: Provenance;
}

// Documents written before starts were kept per event hold one `started` fact; it reads as one more claim.
const legacyStart = (unit: UnitDoc): (StartClaim & Timed) | undefined => unit.started;

/** The unit's start: agreed brand, product and work order, and the fields in conflict. */
export function unitStartOf(unit: UnitDoc | undefined, visible: Visible = ALL_VISIBLE): UnitStart {
  const claims = unit ? claimsOf(unit.starts, visible, legacyStart(unit)) : [];
  return { started: claims.length > 0, claims, ...(claims[0] ? { provenance: provenanceFrom(claims[0].prov) } : {}), ...agreementOf(claims, START_FIELDS) };
}

/**
 * The brand a unit belongs to for need-to-know: the one its visible claims agree on; undefined when it was never
 * started or its brand is in conflict, so only a site-wide caller sees it (fail closed).
 */
export const brandOf = (unit: UnitDoc | undefined, visible: Visible = ALL_VISIBLE): string | undefined => unitStartOf(unit, visible).agreed.brand;

/** Every brand any stored claim names (visible or not): the forward edges are written under each. */
export const claimedBrands = (unit: Pick<UnitDoc, 'starts' | 'started'>): string[] =>
  [...new Set(claimsOf(unit.starts, ALL_VISIBLE, unit.started).map((c) => c.brand))].sort(compare);

/** A lot's receipt, as its visible MaterialReceived claims tell it. */
export interface LotReceipt extends Agreement<Receipt> {
  received: boolean;
  claims: (Receipt & Timed)[];
}

/** The lot's receipt: agreed fields, and the fields in conflict. */
/** Every receipt claimed for a lot, visible, in time order: what lotReceiptOf weighs (a walk that only follows them needs no more). */
export const receiptClaimsOf = (lot: LotDoc | undefined, visible: Visible = ALL_VISIBLE): (Receipt & Timed)[] =>
  lot ? claimsOf(lot.receipts, visible, lot.receipt) : [];

export function lotReceiptOf(lot: LotDoc | undefined, visible: Visible = ALL_VISIBLE): LotReceipt {
  const claims = receiptClaimsOf(lot, visible);
  return { received: claims.length > 0, claims, ...agreementOf(claims, RECEIPT_FIELDS) };
}

/** The agreed receipt in full, or undefined when the lot was never received or any field is in conflict. */
export function agreedReceipt(r: LotReceipt): (Receipt & { provenance: Provenance }) | undefined {
  if (!r.received || r.conflicts.length > 0) return undefined;
  const a = r.agreed as Receipt;
  return { ...a, provenance: provenanceFrom(r.claims[0]!.prov) };
}
