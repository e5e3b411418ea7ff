import { createHash } from 'node:crypto';
import type { TraceEvent } from '@trace/contracts';

// The simulated stream as a line would publish it in IPC-CFX (SDK 2.1 shapes), for the CFX bridge: what the contract
// says that CFX has a message for, with splices where a line changes reels of one part, and their grey zones.

/** Placements after a splice that may have come from either reel (CFX `GreyZone`). */
export const GREY_ZONE = 2;

/** A GUID-shaped UniqueID derived from the event id and the message's place: the same seed, the same envelopes. */
const uniqueId = (eventId: string, part = ''): string => {
  const h = createHash('sha1').update(`cfx:${eventId}:${part}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

/** The CFX messages of a contract stream, and how many events CFX has no message for. */
export interface CfxStream {
  envelopes: Generator<Record<string, unknown>, void, undefined>;
  /** Events without a CFX counterpart (vendor registrations, merges, status changes, shipments, brand authority), by type. */
  skipped: Record<string, number>;
  /** Brand and product by work order, as the bridge's CFX_WORK_ORDERS wants them. */
  workOrders: Record<string, { brand: string; productPartNumber: string }>;
}

/** The envelopes of `events` in order: one CFX message per event it has one for, a MaterialsJoined before a reel change. */
export function cfxStream(events: Iterable<TraceEvent>): CfxStream {
  const skipped: Record<string, number> = {};
  const workOrders: Record<string, { brand: string; productPartNumber: string }> = {};
  function* envelopes(): Generator<Record<string, unknown>, void, undefined> {
    const partOf = new Map<string, string>(); // lot -> internal part number (from its receipt)
    const feeding = new Map<string, { lotId: string; leading?: string; greyZone: number }>(); // per line and part: the reel on the feeder
    const envelope = (event: TraceEvent, MessageName: string, MessageBody: Record<string, unknown>, part = ''): Record<string, unknown> => ({
      MessageName, Version: '2.1', TimeStamp: event.occurredAt, UniqueID: uniqueId(event.eventId, part), Source: event.source, Target: null, RequestID: null,
      MessageBody: { $type: `${MessageName}, CFX`, ...MessageBody },
    });
    for (const event of events) {
      switch (event.type) {
        case 'MaterialReceived': {
          const d = event.data;
          for (const p of d.packages) partOf.set(p.lotId, d.internalPartNumber);
          yield envelope(event, 'CFX.Materials.Management.MaterialsInitialized', {
            Materials: d.packages.map((p) => ({
              UniqueIdentifier: p.lotId, InternalPartNumber: d.internalPartNumber, Manufacturer: d.manufacturer, ManufacturerPartNumber: d.mpn, Vendor: d.vendorId,
              ManufacturerLotCode: d.vendorLotCode, ReceivedDate: d.receivedAt, Units: d.uom, InitialQuantity: p.quantity, Quantity: p.quantity, Status: 'Active',
            })),
          });
          break;
        }
        case 'LotSplit': {
          const d = event.data;
          for (const [i, l] of d.newLots.entries()) {
            const part = partOf.get(d.sourceLotId);
            if (part !== undefined) partOf.set(l.lotId, part);
            yield envelope(event, 'CFX.Materials.Management.MaterialsSplit', { SourceMaterialPackageIdentifier: d.sourceLotId, NewMaterialPackageIdentifier: l.lotId, NewMaterialPackageQuantity: l.quantity }, String(i));
          }
          break;
        }
        case 'UnitStarted': {
          const d = event.data;
          workOrders[d.workOrder] = { brand: d.brand, productPartNumber: d.productPartNumber };
          yield envelope(event, 'CFX.Production.UnitsInitialized', { TransactionID: null, PrimaryIdentifier: d.serial, WorkOrderIdentifier: { WorkOrderId: d.workOrder, Batch: null }, UnitCount: 1, Units: [] });
          break;
        }
        case 'MaterialInstalled': {
          const d = event.data;
          // A new reel of the part on this line's feeder is spliced onto the one before: its first placements are grey.
          const slot = `${event.source}\u0000${partOf.get(d.lotId) ?? `lot:${d.lotId}`}`;
          const before = feeding.get(slot);
          let state = before;
          if (before === undefined || before.lotId !== d.lotId) {
            state = { lotId: d.lotId, greyZone: 0 };
            if (before !== undefined && before.lotId !== d.lotId) {
              state = { lotId: d.lotId, leading: before.lotId, greyZone: GREY_ZONE };
              yield envelope(event, 'CFX.Materials.Management.MaterialsJoined', {
                LeadingMaterialPackage: { UniqueIdentifier: before.lotId, InternalPartNumber: partOf.get(before.lotId) ?? null },
                TrailingMaterialPackage: { UniqueIdentifier: d.lotId, InternalPartNumber: partOf.get(d.lotId) ?? null, GreyZone: GREY_ZONE },
              }, 'joined');
            }
            feeding.set(slot, state);
          }
          const grey = state!.greyZone > 0 && state!.leading !== undefined;
          const material = { UniqueIdentifier: d.lotId, InternalPartNumber: partOf.get(d.lotId) ?? null, ...(grey ? { GreyZone: state!.greyZone, LeadingMaterialPackage: { UniqueIdentifier: state!.leading } } : {}) };
          if (state!.greyZone > 0) state!.greyZone--;
          yield envelope(event, 'CFX.Production.Assembly.MaterialsInstalled', {
            TransactionId: uniqueId(event.eventId, 'tx'),
            InstalledMaterials: [{
              UnitIdentifier: d.serial, UnitPositionNumber: null, QuantityInstalled: d.quantity, QuantityNonInstalled: 0, Material: material,
              CarrierLocation: { LocationIdentifier: `FDR-${slot.length % 40}` },
              InstalledComponents: d.refDes.map((r) => ({ $type: 'CFX.Structures.SMTPlacement.SMTInstalledComponent, CFX', ReferenceDesignator: r, InstallationTime: event.occurredAt })),
              NonInstalledComponents: [],
              ...(d.bomPartNumber !== undefined ? { ReferencePartNumber: d.bomPartNumber } : {}),
            }],
          });
          break;
        }
        case 'UnitAssembled': {
          const d = event.data;
          const refDes = Array.isArray(d.refDes) ? d.refDes[0] : d.refDes;
          yield envelope(event, 'CFX.Production.Assembly.MaterialsInstalled', {
            TransactionId: uniqueId(event.eventId, 'tx'),
            InstalledMaterials: [{ UnitIdentifier: d.serial, QuantityInstalled: 1, Material: null, InstalledComponents: [{ ReferenceDesignator: refDes ?? null, InstalledUnitIdentifier: d.childSerial }] }],
          });
          break;
        }
        case 'MaterialRemoved': {
          const d = event.data;
          yield envelope(event, 'CFX.Production.Assembly.MaterialsUninstalled', {
            TransactionId: uniqueId(event.eventId, 'tx'),
            UninstalledMaterials: [{ UnitIdentifier: d.serial, Material: { UniqueIdentifier: d.lotId }, Reason: 'Other', QuantityUninstalled: Math.max(1, d.refDes.length), UninstalledComponents: d.refDes.map((r) => ({ ReferenceDesignator: r })) }],
          });
          break;
        }
        case 'UnitDisassembled': {
          const d = event.data;
          yield envelope(event, 'CFX.Production.Assembly.MaterialsUninstalled', {
            TransactionId: uniqueId(event.eventId, 'tx'),
            UninstalledMaterials: [{ UnitIdentifier: d.serial, Reason: 'Other', UninstalledComponents: [{ InstalledUnitIdentifier: d.childSerial }] }],
          });
          break;
        }
        case 'LotMerged': {
          // No CFX message merges packages; the merged lot is of its sources' part (for the feeder it goes on).
          const part = event.data.sourceLotIds.map((id) => partOf.get(id)).find((p) => p !== undefined);
          if (part !== undefined) partOf.set(event.data.lotId, part);
          skipped[event.type] = (skipped[event.type] ?? 0) + 1;
          break;
        }
        default:
          skipped[event.type] = (skipped[event.type] ?? 0) + 1;
      }
    }
  }
  return { envelopes: envelopes(), skipped, workOrders };
}
