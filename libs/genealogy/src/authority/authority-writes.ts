import type { MaterialReceivedData, TraceEvent, TraceEventOf } from '@trace/contracts';
import type { GraphWrite } from '../write/graph-writes';
import type { FactMap, Timed } from '../storage/graph.documents';
import { factKey } from '../facts/provenance';
import { BUCKET_FIELDS, bucketId, bucketOf } from '../storage/lot-uses';
import { type BrandApprovalDoc, type BrandDeviationDoc, brandApprovalId, brandBomId, brandDeviationId, brandPartId, partReceiptsId } from './authority.documents';

/** The event types of trace.brand.v1: what a brand publishes about its own authority. */
export const AUTHORITY_EVENT_TYPES = ['PartApproved', 'PartApprovalWithdrawn', 'DeviationApproved', 'DeviationRevoked', 'BomReleased'] as const;
export type AuthorityEventType = (typeof AUTHORITY_EVENT_TYPES)[number];
export type AuthorityEvent = { [T in AuthorityEventType]: TraceEventOf<T> }[AuthorityEventType];

/** Whether an event is one of the brand's (recorded by authorityWritesFor, not by the shop-floor writes). */
export const isAuthorityEvent = (event: TraceEvent): event is AuthorityEvent =>
  (AUTHORITY_EVENT_TYPES as readonly string[]).includes(event.type);

// Optional fields are left out rather than stored as undefined, so a document says only what an event said.
const optional = <K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> =>
  (value === undefined ? {} : { [key]: value }) as Partial<Record<K, V>>;

/**
 * The writes that record one brand event. Pure, like graphWritesFor: each write $sets a field keyed by the event id
 * (`k` = factKey(eventId)) and the entity's own identity, so replays and any order of delivery end the same. What is
 * in force at a time (an approval withdrawn, a deviation revoked, the BOM revision of a unit) is decided at read time.
 */
export function authorityWritesFor(event: AuthorityEvent, k: string, meta: Timed): GraphWrite[] {
  switch (event.type) {
    case 'PartApproved': {
      const d = event.data;
      const terms = {
        approvalId: d.approvalId,
        internalPartNumber: d.internalPartNumber,
        manufacturer: d.manufacturer,
        mpn: d.mpn,
        ...optional('vendorIds', d.vendorIds && [...d.vendorIds]),
        ...optional('reason', d.reason),
        ...meta,
      };
      return [
        { collection: 'brandParts', id: brandPartId(d.brand, d.internalPartNumber), set: { brand: d.brand, internalPartNumber: d.internalPartNumber, [`approvals.${k}`]: terms } },
        { collection: 'brandApprovals', id: brandApprovalId(d.brand, d.approvalId), set: { brand: d.brand, approvalId: d.approvalId, [`approvals.${k}`]: terms } },
        { collection: 'brandIndex', id: d.brand, set: { [`approvals.${factKey(d.approvalId)}`]: d.approvalId } },
      ];
    }
    case 'PartApprovalWithdrawn': {
      const d = event.data;
      return [
        { collection: 'brandApprovals', id: brandApprovalId(d.brand, d.approvalId), set: { brand: d.brand, approvalId: d.approvalId, [`withdrawals.${k}`]: { reason: d.reason, ...meta } } },
      ];
    }
    case 'DeviationApproved': {
      const d = event.data;
      const terms = {
        deviationId: d.deviationId,
        internalPartNumber: d.internalPartNumber,
        manufacturer: d.manufacturer,
        mpn: d.mpn,
        ...optional('vendorIds', d.vendorIds && [...d.vendorIds]),
        ...optional('productPartNumbers', d.productPartNumbers && [...d.productPartNumbers]),
        ...optional('workOrders', d.workOrders && [...d.workOrders]),
        ...optional('maxQuantity', d.maxQuantity),
        validFrom: d.validFrom,
        validUntil: d.validUntil,
        approvedBy: d.approvedBy,
        reason: d.reason,
        ...meta,
      };
      return [
        { collection: 'brandParts', id: brandPartId(d.brand, d.internalPartNumber), set: { brand: d.brand, internalPartNumber: d.internalPartNumber, [`deviations.${k}`]: terms } },
        { collection: 'brandDeviations', id: brandDeviationId(d.brand, d.deviationId), set: { brand: d.brand, deviationId: d.deviationId, [`approvals.${k}`]: terms } },
        { collection: 'brandIndex', id: d.brand, set: { [`deviations.${factKey(d.deviationId)}`]: d.deviationId } },
      ];
    }
    case 'DeviationRevoked': {
      const d = event.data;
      return [
        { collection: 'brandDeviations', id: brandDeviationId(d.brand, d.deviationId), set: { brand: d.brand, deviationId: d.deviationId, [`revocations.${k}`]: { reason: d.reason, ...meta } } },
      ];
    }
    case 'BomReleased': {
      const d = event.data;
      const lines = d.lines.map((l) => ({ internalPartNumber: l.internalPartNumber, quantity: l.quantity, ...optional('refDes', l.refDes && [...l.refDes]) }));
      return [
        {
          collection: 'brandBoms',
          id: brandBomId(d.brand, d.productPartNumber),
          set: { brand: d.brand, productPartNumber: d.productPartNumber, [`revisions.${k}`]: { revision: d.revision, effectiveFrom: d.effectiveFrom, lines, ...meta } },
        },
        { collection: 'brandIndex', id: d.brand, set: { [`boms.${factKey(d.productPartNumber)}`]: d.productPartNumber } },
      ];
    }
  }
}

/**
 * The forward index of a part's receipts, written with every MaterialReceived: (IPN, manufacturer, MPN) -> the
 * receipt's vendor lot and packages. A deviation's usage count starts from it. Bucketed like lot uses: one field per
 * receipt event (`k` = factKey(eventId)) in the bucket its vendor lot hashes to, and the bucket in the part's document,
 * so replays and any order of delivery end in the same documents and none grows with the part's receipts.
 */
export function partReceiptsWrites(d: MaterialReceivedData, vendorLotId: string, k: string): GraphWrite[] {
  const id = partReceiptsId(d.internalPartNumber, d.manufacturer, d.mpn);
  const part = { internalPartNumber: d.internalPartNumber, manufacturer: d.manufacturer, mpn: d.mpn };
  const bucket = bucketOf(vendorLotId);
  return [
    {
      collection: 'partReceiptBuckets',
      id: bucketId(id, bucket),
      set: { ...part, bucket, [`receipts.${k}`]: { vendorLotId, vendorId: d.vendorId, lotIds: d.packages.map((p) => p.lotId) } },
    },
    { collection: 'partReceipts', id, set: { ...part, [BUCKET_FIELDS[bucket]!]: bucket } },
  ];
}

/** The approvals' and deviations' own documents a batch wrote, by `_id`: each is read back and copied (partCopyWrites). */
export interface PartCopyNeeds {
  brandApprovals: string[];
  brandDeviations: string[];
}

/** Which approvals' and deviations' own documents a batch of writes touched (their ids, sorted). */
export function partCopyNeeds(writes: Iterable<GraphWrite>): PartCopyNeeds {
  const approvals = new Set<string>();
  const deviations = new Set<string>();
  for (const w of writes) {
    if (w.collection === 'brandApprovals') approvals.add(w.id);
    else if (w.collection === 'brandDeviations') deviations.add(w.id);
  }
  return { brandApprovals: [...approvals].sort(), brandDeviations: [...deviations].sort() };
}

/**
 * What the judgement needs of an approval's (or deviation's) own document, copied to the document of every (brand, IPN)
 * it names, as read back after a batch wrote it: its withdrawals (revocations), its terms under the same id naming
 * another IPN, and the id in copiedApprovals (copiedDeviations). A withdrawal names only the approval id, so it cannot
 * be written to the part's document without this read. Every write is a $set of fields keyed by the fact copied, so
 * writing them twice or from two batches ends the same; and whichever of two batches (one approving, one withdrawing,
 * or approving the same id for another IPN) reads the document last sees both facts, since each reads only after its
 * own write is durable, so every part ends with every copy in any order of delivery. Retractions and asOf apply to the
 * copies as to the facts: each keeps its event's time and provenance.
 */
export function partCopyWrites(doc: BrandApprovalDoc | BrandDeviationDoc): GraphWrite[] {
  return 'approvalId' in doc
    ? copiesOf(doc.brand, doc.approvalId, doc.approvals, doc.withdrawals, COPY_FIELDS.approval)
    : copiesOf(doc.brand, doc.deviationId, doc.approvals, doc.revocations, COPY_FIELDS.deviation);
}

/** The fields of BrandPartDoc an approval's and a deviation's copies go to. */
const COPY_FIELDS = {
  approval: { id: 'approvalId', ends: 'withdrawals', elsewhere: 'approvalsElsewhere', copied: 'copiedApprovals', notCopied: 'notCopiedApprovals' },
  deviation: { id: 'deviationId', ends: 'revocations', elsewhere: 'deviationsElsewhere', copied: 'copiedDeviations', notCopied: 'notCopiedDeviations' },
} as const;

/** Every field of BrandPartDoc the copies write (what a part's document held before the copies lacks). */
export const PART_COPY_FIELDS = Object.values(COPY_FIELDS).flatMap((f) => [f.ends, f.elsewhere, f.copied, f.notCopied]);

function copiesOf(
  brand: string,
  id: string,
  terms: FactMap<{ internalPartNumber: string } & Timed> = {},
  ends: FactMap<Timed> = {},
  fields: (typeof COPY_FIELDS)[keyof typeof COPY_FIELDS],
): GraphWrite[] {
  const ipns = [...new Set(Object.values(terms).map((t) => t.internalPartNumber))].sort();
  // An id named under more IPNs than that is not copied: each part would hold the others' terms (IPNs squared in all).
  // It is marked not copied on the parts instead, so the judgement reads its own document (ownDocumentsToRead).
  if (ipns.length > MAX_COPIED_IPNS) return ipns.map((ipn) => notCopied(brand, ipn, id, fields.notCopied));
  return ipns.map((ipn): GraphWrite => {
    const set: Record<string, unknown> = { brand, internalPartNumber: ipn, [`${fields.copied}.${factKey(id)}`]: id };
    // Keyed by the id and the fact's key: two ids' facts of one event (one event id reused) stay apart on the part.
    for (const [k, end] of Object.entries(ends)) set[`${fields.ends}.${copyKey(id, k)}`] = { [fields.id]: id, at: end.at, prov: end.prov };
    for (const [k, t] of Object.entries(terms)) {
      if (t.internalPartNumber !== ipn) set[`${fields.elsewhere}.${copyKey(id, k)}`] = { [fields.id]: id, internalPartNumber: t.internalPartNumber, at: t.at, prov: t.prov };
    }
    return { collection: 'brandParts', id: brandPartId(brand, ipn), set };
  });
}

/** The most IPNs an approval or deviation id is copied to; an id named under more is read from its own document. */
export const MAX_COPIED_IPNS = 16;

const copyKey = (id: string, k: string): string => factKey(JSON.stringify([id, k]));

/**
 * The write that marks `id` not copied on the part (brand, ipn): its copies there, if any, are no longer used. The mark
 * is a field of its own that nothing takes off, not the copied mark set to '': a copy read before it and landing after
 * it (another batch's, of fewer facts) sets the copied mark again, and must not make the part judged from that copy.
 */
const notCopied = (brand: string, ipn: string, id: string, field: string): GraphWrite => ({
  collection: 'brandParts',
  id: brandPartId(brand, ipn),
  set: { brand, internalPartNumber: ipn, [`${field}.${factKey(id)}`]: id },
});

/**
 * The writes that mark the ids of copies not copied on their parts (partCopyWrites' writes given): for copies the
 * database refused (a part's document too large), so the judgement reads those ids' own documents and nothing is
 * judged from an incomplete copy, whatever copy of another batch lands after.
 */
export function copyMarksOff(copies: readonly GraphWrite[]): GraphWrite[] {
  return copies.map((w) => {
    const set: Record<string, unknown> = {};
    for (const fields of Object.values(COPY_FIELDS)) {
      for (const [f, id] of Object.entries(w.set)) if (f.startsWith(`${fields.copied}.`)) set[`${fields.notCopied}.${f.slice(fields.copied.length + 1)}`] = id;
    }
    return { collection: w.collection, id: w.id, set };
  });
}
