import { compare } from '@trace/genealogy';
import type { Genealogy, LotNode, Provenance, Retraction, UnitNode } from '@trace/genealogy';
import { judgementText } from './genealogy-report';

// The genealogy as an EPCIS 2.0 JSON-LD document with the Core Business Vocabulary. Our identifiers are not GS1
// keys (no SGTIN/LGTIN), so units and package lots get private URNs; EPCIS 2.0 allows any URI. One EPCIS event per
// fact of the answer, its eventID derived from the shop-floor event id, the provenance kept as `ems:` extensions.

export const EMS_NAMESPACE = 'https://ems-trace.example/epcis/';
const EPCIS_CONTEXT = 'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld';

const urn = (kind: string, ...parts: string[]): string => `urn:ems-trace:${kind}:${parts.map(encodeURIComponent).join(':')}`;
/** The EPC of a serialized unit. */
export const unitEpc = (serial: string): string => urn('unit', serial);
/** The EPC class of a package lot (reel, tray, bag): its pieces are instances of the class. */
export const lotClass = (lotId: string): string => urn('lot', lotId);

type EpcisEvent = Record<string, unknown> & { eventTime: string; eventID: string };

const common = (p: Provenance, ...discriminators: string[]) => ({
  eventTime: p.occurredAt,
  eventTimeZoneOffset: '+00:00',
  eventID: urn('event', p.eventId, ...discriminators),
  readPoint: { id: urn('source', p.source) },
  'ems:sourceEventId': p.eventId,
  'ems:sourceEventType': p.type,
  'ems:kafkaTopic': p.topic,
  'ems:kafkaPartition': p.partition,
  'ems:kafkaOffset': p.offset,
});

/**
 * A retracted fact the EPCIS way: the event as it was captured (same eventID), with an error declaration. The shop floor
 * said it never happened, so the CBV reason is `did_not_occur`; our reason and the retraction's provenance are extensions.
 */
const errorDeclaration = (r: Retraction | undefined) =>
  r
    ? {
        errorDeclaration: {
          declarationTime: r.provenance.occurredAt,
          reason: 'did_not_occur',
          'ems:reason': r.reason,
          'ems:retractionEventId': r.provenance.eventId,
          'ems:kafkaTopic': r.provenance.topic,
          'ems:kafkaPartition': r.provenance.partition,
          'ems:kafkaOffset': r.provenance.offset,
        },
      }
    : {};

/**
 * The EPCIS 2.0 document of a genealogy, as built now. Told with history, the genealogy's retracted installations and
 * assemblies are exported with an error declaration; what rework removed is left out, as in the answer without history.
 */
export function epcisDocument(genealogy: Genealogy, creationDate: string): Record<string, unknown> {
  const events: EpcisEvent[] = [];
  const vendorLots = new Map(genealogy.vendorLots.map((v) => [v.vendorLotId, v]));
  const installedLots = new Set<string>();

  const unit = (u: UnitNode): void => {
    if (u.provenance) {
      events.push({
        type: 'ObjectEvent',
        ...common(u.provenance),
        action: 'ADD',
        bizStep: 'commissioning',
        disposition: 'active',
        epcList: [unitEpc(u.serial)],
        ...(u.workOrder ? { bizTransactionList: [{ type: 'prodorder', bizTransaction: urn('work-order', u.workOrder) }] } : {}),
        ilmd: { ...(u.brand ? { 'ems:brand': u.brand } : {}), ...(u.productPartNumber ? { 'ems:productPartNumber': u.productPartNumber } : {}) },
      });
    }
    for (const m of u.materials) {
      if (m.removed) continue;
      if (!m.retracted) installedLots.add(m.lotId); // a retracted installation brought no lot into the unit
      events.push({
        type: 'TransformationEvent',
        ...common(m.provenance),
        ...errorDeclaration(m.retraction),
        bizStep: 'installing',
        disposition: 'active',
        inputQuantityList: [{ epcClass: lotClass(m.lotId), quantity: m.quantity }],
        outputEPCList: [unitEpc(u.serial)],
        ...(m.refDes.length ? { 'ems:refDes': m.refDes } : {}),
        ...(m.judgement ? { 'ems:judgement': judgementText(m.judgement) } : {}),
      });
    }
    for (const s of u.subAssemblies) {
      if (s.removed) continue;
      events.push({
        type: 'AggregationEvent',
        ...common(s.provenance),
        ...errorDeclaration(s.retraction),
        action: 'ADD',
        bizStep: 'assembling',
        disposition: 'active',
        parentID: unitEpc(u.serial),
        childEPCs: [unitEpc(s.unit.serial)],
        ...(s.refDes ? { 'ems:refDes': s.refDes } : {}),
      });
      if (!s.retracted) unit(s.unit); // a sub-assembly that was never built in holds nothing of this unit
    }
    for (const sh of u.shipments) {
      events.push({
        type: 'ObjectEvent',
        ...common(sh.provenance),
        action: 'OBSERVE',
        bizStep: 'shipping',
        disposition: 'in_transit',
        epcList: [unitEpc(u.serial)],
        bizTransactionList: [{ type: 'desadv', bizTransaction: urn('shipment', sh.shipmentId) }],
        destinationList: [{ type: 'owning_party', destination: urn('party', sh.customer) }],
      });
    }
  };
  unit(genealogy.unit);

  const lot = (l: LotNode): void => {
    if (l.receipt) {
      const vl = vendorLots.get(l.receipt.vendorLotId);
      events.push({
        type: 'ObjectEvent',
        ...common(l.receipt.provenance, l.lotId),
        action: 'ADD',
        bizStep: 'receiving',
        disposition: 'active',
        epcList: [],
        quantityList: [{ epcClass: lotClass(l.lotId), quantity: l.receipt.quantity }],
        bizTransactionList: [{ type: 'recadv', bizTransaction: urn('receipt', l.receipt.receiptId) }],
        ilmd: {
          'ems:vendorLotId': l.receipt.vendorLotId,
          ...(vl
            ? {
                'ems:vendorId': vl.vendorId,
                'ems:mpn': vl.mpn,
                'ems:vendorLotCode': vl.vendorLotCode,
                ...(vl.manufacturer ? { 'ems:manufacturer': vl.manufacturer } : {}),
                ...(vl.internalPartNumber ? { 'ems:internalPartNumber': vl.internalPartNumber } : {}),
                ...(vl.dateCode ? { 'ems:dateCode': vl.dateCode } : {}),
                ...(vl.countryOfOrigin ? { 'ems:countryOfOrigin': vl.countryOfOrigin } : {}),
              }
            : {}),
          'ems:uom': l.receipt.uom,
        },
      });
    }
    for (const s of l.sources) {
      events.push({
        type: 'TransformationEvent',
        ...common(s.provenance, l.lotId),
        bizStep: 'repackaging',
        disposition: 'active',
        inputQuantityList: s.lotIds.map((id) => ({ epcClass: lotClass(id) })),
        outputQuantityList: [{ epcClass: lotClass(l.lotId), ...(s.quantity !== undefined ? { quantity: s.quantity } : {}) }],
        'ems:lotOperation': s.kind,
      });
    }
  };
  // The lots of the exported installations and what they came from (a history answer also holds those of removed material).
  const lotById = new Map(genealogy.lots.map((l) => [l.lotId, l]));
  const exported = new Set<string>();
  const reach = (id: string): void => {
    if (exported.has(id)) return;
    exported.add(id);
    lotById.get(id)?.sources.forEach((s) => s.lotIds.forEach(reach));
  };
  installedLots.forEach(reach);
  genealogy.lots.filter((l) => exported.has(l.lotId)).forEach(lot);

  events.sort((a, b) => compare(a.eventTime, b.eventTime) || compare(a.eventID, b.eventID));
  return {
    '@context': [EPCIS_CONTEXT, { ems: EMS_NAMESPACE }],
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    creationDate,
    epcisBody: { eventList: events },
  };
}
