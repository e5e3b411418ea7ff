import type { MaterialReceivedData, TraceEvent, TraceEventOf } from '@trace/contracts';
import type { GraphWrite } from '../write/graph-writes';
import type { Timed } from '../storage/graph.documents';
import { factKey } from '../facts/provenance';
import { BUCKET_FIELDS, bucketId, bucketOf } from '../storage/lot-uses';
import { brandApprovalId, brandBomId, brandDeviationId, brandPartId, partReceiptsId } from './authority.documents';

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
