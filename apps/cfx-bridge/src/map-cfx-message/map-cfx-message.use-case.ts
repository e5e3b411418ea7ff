import { Inject, Injectable } from '@nestjs/common';
import { CFX_EVENT_HEADERS, CORRELATION_ID_HEADER, EventType, MAX_ID_LENGTH, Placement, TraceEvent, TraceEventOf, isInstant, makeEvent, parseEvent, toMessage } from '@trace/contracts';
import { CfxFields } from '../cfx/cfx-fields';
import { MAPPED_MESSAGES, MappedMessageName, isCfxMessageName, mappedMessage } from '../cfx/cfx-messages';
import { CfxRejectReason, decodeCfx } from '../cfx/decode-cfx';
import { parseTimeSpan } from '../cfx/time-span';
import { LineState, LineStateRecord, positionSerial } from '../line-state/line-state';
import { CfxMappingConfig, normalizeVendorName } from './cfx-mapping.config';
import { MapCfxMessageCommand } from './map-cfx-message.command';

export const CFX_MAPPING_CONFIG = Symbol('CFX_MAPPING_CONFIG');

/** A contract event made from CFX, with the Kafka headers that say where it came from. */
export interface MappedEvent {
  event: TraceEvent;
  headers: Record<string, string>;
}

/** An envelope (or a whole message) the bridge refused, with why. */
export interface CfxRefusal {
  reason: CfxRejectReason;
  errors: string[];
  /** Position of the envelope in a list of envelopes; absent when the message itself was refused. */
  index?: number;
  messageName?: string;
  uniqueId?: string;
}

/**
 * What one AMQP message becomes: events to produce, refusals to dead-letter, names of messages not used, and records
 * of what the bridge now remembers of the line (for its state topic; already in the LineState it was given).
 */
export interface MappedMessage {
  events: MappedEvent[];
  refusals: CfxRefusal[];
  unused: string[];
  state: LineStateRecord[];
}

/** Header names the bridge puts on what it produces (declared in the contract). */
export const CFX_HEADERS = CFX_EVENT_HEADERS;

/** A vendor id for a vendor string the alias table does not know: the graph shows it as an unregistered vendor. */
export const UNRESOLVED_VENDOR_PREFIX = 'unresolved:';

class Refused extends Error {
  constructor(
    readonly reason: CfxRejectReason,
    readonly errors: string[],
  ) {
    super(`${reason}: ${errors.join('; ')}`);
  }
}

/** The envelope fields every mapping uses. */
interface Envelope {
  messageName: MappedMessageName;
  uniqueId: string;
  timeStamp: string;
  source: string;
  body: CfxFields;
  problems: string[];
  /** What the envelope teaches the bridge about the line: offered to the LineState only if the envelope maps whole. */
  state: LineStateRecord[];
}

/**
 * Maps one AMQP message of IPC-CFX to contract v1 events. No AMQP, no Kafka: the same bytes over the same LineState give
 * the same events (event ids are `cfx:<UniqueID>:<position>`), so a redelivered message changes nothing downstream.
 * The LineState (work orders, panels) is what earlier messages taught; this one's records are offered to it as it maps.
 */
@Injectable()
export class MapCfxMessage {
  constructor(
    @Inject(CFX_MAPPING_CONFIG) private readonly config: CfxMappingConfig,
    private readonly state: LineState,
  ) {}

  execute(command: MapCfxMessageCommand): MappedMessage {
    const result: MappedMessage = { events: [], refusals: [], unused: [], state: [] };
    const decoded = decodeCfx(command.body, command.contentEncoding);
    if (!decoded.ok) {
      result.refusals.push({ reason: decoded.reason, errors: decoded.errors });
      return result;
    }
    const several = decoded.envelopes.length > 1;
    decoded.envelopes.forEach((raw, index) => {
      const at = several ? { index } : {};
      const problems: string[] = [];
      const envelope = CfxFields.of(raw, 'envelope', problems);
      const messageName = envelope.string('MessageName');
      const uniqueId = envelope.string('UniqueID');
      const names = { ...(messageName ? { messageName } : {}), ...(uniqueId ? { uniqueId } : {}) };
      try {
        if (problems.length > 0) throw new Refused('INVALID_ENVELOPE', problems);
        if (messageName === undefined) throw new Refused('INVALID_ENVELOPE', ['envelope.MessageName is missing']);
        const mapped = mappedMessage(messageName);
        if (mapped === undefined) {
          if (isCfxMessageName(messageName)) result.unused.push(messageName);
          else throw new Refused('UNKNOWN_MESSAGE', [`${messageName} is no CFX message`]);
          return;
        }
        const { events, state } = this.mapEnvelope(mapped, envelope, problems);
        // A MaterialsModified that blocks nothing says nothing the contract keeps: counted, like a message not mapped.
        if (mapped === MAPPED_MESSAGES.materialsModified && events.length === 0) result.unused.push(mapped);
        result.events.push(...events);
        // Only what changed the table is written: a redelivery (or an older message) adds no record.
        result.state.push(...state.filter((record) => this.state.offer(record)));
      } catch (error) {
        if (!(error instanceof Refused)) throw error;
        result.refusals.push({ reason: error.reason, errors: error.errors, ...at, ...names });
      }
    });
    return result;
  }

  private mapEnvelope(messageName: MappedMessageName, fields: CfxFields, problems: string[]): { events: MappedEvent[]; state: LineStateRecord[] } {
    const uniqueId = fields.string('UniqueID');
    const timeStamp = fields.string('TimeStamp');
    const body = fields.object('MessageBody');
    if (uniqueId === undefined) problems.push('envelope.UniqueID is missing: event ids are made from it');
    else if (uniqueId.length > MAX_ID_LENGTH - 24) problems.push('envelope.UniqueID is too long');
    if (timeStamp === undefined) problems.push('envelope.TimeStamp is missing');
    else if (!isInstant(timeStamp)) problems.push(`envelope.TimeStamp ${JSON.stringify(timeStamp)} is no date-time with an offset`);
    if (body === undefined) problems.push('envelope.MessageBody is missing');
    if (problems.length > 0 || uniqueId === undefined || timeStamp === undefined || body === undefined) {
      throw new Refused('INVALID_ENVELOPE', [...problems]);
    }
    const envelope: Envelope = { messageName, uniqueId, timeStamp, source: fields.string('Source') ?? 'cfx', body, problems, state: [] };
    const events = this.mapBody(envelope);
    if (problems.length > 0) throw new Refused('INVALID_BODY', [...problems]);
    return { events: events.map((mapped) => this.checked(mapped)), state: envelope.state };
  }

  private mapBody(envelope: Envelope): MappedEvent[] {
    switch (envelope.messageName) {
      case MAPPED_MESSAGES.materialsInitialized:
      case MAPPED_MESSAGES.materialsReceived:
        return this.materialsReceived(envelope);
      case MAPPED_MESSAGES.materialsSplit:
        return this.materialsSplit(envelope);
      case MAPPED_MESSAGES.materialsJoined:
        return this.materialsJoined(envelope);
      case MAPPED_MESSAGES.splicePointDetected:
        return this.splicePointDetected(envelope);
      case MAPPED_MESSAGES.materialsInstalled:
        return this.materialsInstalled(envelope);
      case MAPPED_MESSAGES.materialsUninstalled:
        return this.materialsUninstalled(envelope);
      case MAPPED_MESSAGES.unitsInitialized:
        return this.unitsInitialized(envelope);
      case MAPPED_MESSAGES.unitsDisqualified:
        return this.unitsDisqualified(envelope);
      case MAPPED_MESSAGES.materialsModified:
        return this.materialsModified(envelope);
      case MAPPED_MESSAGES.workOrdersCreated:
        return this.workOrders(envelope, 'NewOrders');
      case MAPPED_MESSAGES.workOrdersUpdated:
        return this.workOrders(envelope, 'UpdatedOrders');
    }
  }

  /** MaterialsInitialized / MaterialsReceived: one receipt per package (MaterialPackageDetail). */
  private materialsReceived(envelope: Envelope): MappedEvent[] {
    const materials = envelope.body.objects('Materials');
    if (materials.length === 0) envelope.body.problem('Materials is empty');
    return materials.map((m, i) => {
      const lotId = required(m, 'UniqueIdentifier', 'package');
      const vendorName = m.string('Vendor') ?? m.string('Manufacturer');
      const vendorId = vendorName === undefined ? undefined : this.config.vendorAliases.get(normalizeVendorName(vendorName));
      const headers: Record<string, string> = {};
      if (vendorId === undefined) headers[CFX_HEADERS.vendorUnresolved] = vendorName ?? '(none)';
      const msd = m.object('MaterialData');
      const msdLevel = msd?.string('MSDLevel');
      if (msdLevel !== undefined) headers[CFX_HEADERS.msdLevel] = msdLevel;
      const remaining = msd?.string('RemainingExposureTime');
      if (remaining !== undefined) {
        const seconds = parseTimeSpan(remaining);
        if (seconds === undefined) msd?.problem(`RemainingExposureTime ${JSON.stringify(remaining)} is no .NET TimeSpan (d.hh:mm:ss)`);
        else headers[CFX_HEADERS.remainingExposureSeconds] = String(seconds);
      }
      const manufactured = m.string('ManufactureDate');
      const received = m.string('ReceivedDate') ?? envelope.timeStamp;
      return this.event(envelope, 'MaterialReceived', String(i), {
        receiptId: `cfx:${envelope.uniqueId}:${i}`,
        vendorId: vendorId ?? `${UNRESOLVED_VENDOR_PREFIX}${vendorName ?? '(none)'}`,
        manufacturer: m.string('Manufacturer') ?? vendorName ?? '',
        mpn: m.string('ManufacturerPartNumber') ?? '',
        internalPartNumber: m.string('InternalPartNumber') ?? '',
        vendorLotCode: m.string('ManufacturerLotCode') ?? '',
        ...(manufactured !== undefined ? { dateCode: dateCodeOf(manufactured, m) } : {}),
        receivedAt: received,
        uom: m.string('Units') ?? 'pcs',
        packages: [{ lotId: lotId ?? '', quantity: m.number('Quantity') ?? m.number('InitialQuantity') ?? 0 }],
      }, headers);
    });
  }

  /** MaterialsSplit: the new package taken from the source package. */
  private materialsSplit(envelope: Envelope): MappedEvent[] {
    const b = envelope.body;
    const source = required(b, 'SourceMaterialPackageIdentifier', 'package');
    const created = required(b, 'NewMaterialPackageIdentifier', 'package');
    return [
      this.event(envelope, 'LotSplit', '0', {
        sourceLotId: source ?? '',
        newLots: [{ lotId: created ?? '', quantity: b.number('NewMaterialPackageQuantity') ?? 0 }],
      }),
    ];
  }

  /** MaterialsJoined: a splice, the leading package consumed first; its grey zone from either package's GreyZone. */
  private materialsJoined(envelope: Envelope): MappedEvent[] {
    const b = envelope.body;
    const leading = b.object('LeadingMaterialPackage');
    const trailing = b.object('TrailingMaterialPackage');
    if (leading === undefined) missing('package', b, 'LeadingMaterialPackage');
    if (trailing === undefined) missing('package', b, 'TrailingMaterialPackage');
    const leadingLotId = required(leading, 'UniqueIdentifier', 'package');
    const trailingLotId = required(trailing, 'UniqueIdentifier', 'package');
    const zones = [trailing.number('GreyZone'), leading.number('GreyZone')].filter((z): z is number => z !== undefined);
    const location = spliceLocation(b);
    return [
      this.event(envelope, 'LotSpliced', '0', {
        leadingLotId: leadingLotId ?? '',
        trailingLotId: trailingLotId ?? '',
        ...(zones.length > 0 ? { greyZone: Math.max(...zones) } : {}),
        ...(location !== undefined ? { location } : {}),
      }),
    ];
  }

  /** SplicePointDetected: the joint passed the pick point; it settles the grey zone of the splice of the two packages. */
  private splicePointDetected(envelope: Envelope): MappedEvent[] {
    const b = envelope.body;
    const depleted = b.object('DepletedMaterial');
    const active = b.object('NewlyActiveMaterial');
    if (depleted === undefined) missing('package', b, 'DepletedMaterial');
    if (active === undefined) missing('package', b, 'NewlyActiveMaterial');
    const leadingLotId = required(depleted.object('MaterialPackage') ?? depleted, 'UniqueIdentifier', 'package');
    const trailingLotId = required(active.object('MaterialPackage') ?? active, 'UniqueIdentifier', 'package');
    const location = locationOf(active) ?? locationOf(depleted);
    return [
      this.event(envelope, 'SplicePointDetected', '0', {
        leadingLotId: leadingLotId ?? '',
        trailingLotId: trailingLotId ?? '',
        ...(location !== undefined ? { location } : {}),
      }),
    ];
  }

  /**
   * MaterialsInstalled: per installed material, one MaterialInstalled (its reference designators from
   * InstalledComponents, each placement's location and time, the replaced BOM part from ReferencePartNumber, and
   * both packages as candidates while the material is a chain in its grey zone), and one UnitAssembled per component
   * that is a sub-assembly (InstalledUnitIdentifier).
   */
  private materialsInstalled(envelope: Envelope): MappedEvent[] {
    const installed = envelope.body.objects('InstalledMaterials');
    if (installed.length === 0) envelope.body.problem('InstalledMaterials is empty');
    return installed.flatMap((item, i) => {
      const serial = this.unitOf(item);
      const lotId = item.object('Material')?.string('UniqueIdentifier');
      const components = item.objects('InstalledComponents');
      const subAssemblies = components.flatMap((c, j) => {
        const child = c.string('InstalledUnitIdentifier');
        return child === undefined ? [] : [{ child, refDes: c.string('ReferenceDesignator'), j }];
      });
      if (lotId === undefined && subAssemblies.length === 0) {
        item.problem('Material.UniqueIdentifier is missing (the package installed), and no component is a sub-assembly');
        missing('package', item);
      }
      const events: MappedEvent[] = [];
      if (lotId !== undefined) {
        const refDes = distinct(components.flatMap((c) => c.string('ReferenceDesignator') ?? []));
        const location = locationOf(item.object('CarrierLocation'));
        const placements = placementsOf(components, location);
        const bomPartNumber = item.string('ReferencePartNumber');
        const candidates = greyZoneOf(item.object('Material')!, lotId);
        events.push(
          this.event(envelope, 'MaterialInstalled', String(i), {
            serial: serial ?? '',
            lotId,
            quantity: item.number('QuantityInstalled') ?? Math.max(1, refDes.length),
            refDes,
            ...(placements.length > 0 ? { placements } : {}),
            ...(bomPartNumber !== undefined ? { bomPartNumber } : {}),
            ...(candidates ? { candidates } : {}),
          }),
        );
      }
      for (const { child, refDes, j } of subAssemblies) {
        events.push(this.event(envelope, 'UnitAssembled', `${i}:${j}`, { serial: serial ?? '', childSerial: child, ...(refDes ? { refDes } : {}) }));
      }
      return events;
    });
  }

  /** MaterialsUninstalled: the package's reference designators out of the unit (all of it when none are named). */
  private materialsUninstalled(envelope: Envelope): MappedEvent[] {
    const uninstalled = envelope.body.objects('UninstalledMaterials');
    if (uninstalled.length === 0) envelope.body.problem('UninstalledMaterials is empty');
    return uninstalled.flatMap((item, i) => {
      const serial = this.unitOf(item);
      const lotId = item.object('Material')?.string('UniqueIdentifier');
      const components = item.objects('UninstalledComponents');
      const reason = `CFX MaterialsUninstalled: ${item.string('Reason') ?? 'Other'}`;
      const subAssemblies = components.flatMap((c, j) => {
        const child = c.string('InstalledUnitIdentifier');
        return child === undefined ? [] : [{ child, j }];
      });
      if (lotId === undefined && subAssemblies.length === 0) {
        item.problem('Material.UniqueIdentifier is missing (the package uninstalled), and no component is a sub-assembly');
        missing('package', item);
      }
      const events: MappedEvent[] = [];
      if (lotId !== undefined) {
        const refDes = distinct(components.flatMap((c) => c.string('ReferenceDesignator') ?? []));
        events.push(this.event(envelope, 'MaterialRemoved', String(i), { serial: serial ?? '', lotId, refDes, reason }));
      }
      for (const { child, j } of subAssemblies) {
        events.push(this.event(envelope, 'UnitDisassembled', `${i}:${j}`, { serial: serial ?? '', childSerial: child, reason }));
      }
      return events;
    });
  }

  /**
   * UnitsInitialized: one UnitStarted per unit of the panel (or the PrimaryIdentifier alone, for a single board), brand
   * and product from the work order as the MES announced it (WorkOrdersCreated), else from CFX_WORK_ORDERS. A panel's
   * units by position are remembered, so installations named by panel and UnitPositionNumber find their unit.
   */
  private unitsInitialized(envelope: Envelope): MappedEvent[] {
    const b = envelope.body;
    const workOrder = b.object('WorkOrderIdentifier')?.string('WorkOrderId');
    const primary = b.string('PrimaryIdentifier');
    const units = b.objects('Units');
    const positioned: { position: number; serial: string; name?: string }[] = [];
    const serials: (string | undefined)[] =
      units.length > 0
        ? units.map((u) => {
            const { serial, position } = unitOfPosition(u, primary, units.length > 1);
            if (position !== undefined && serial !== undefined) positioned.push({ position, serial, ...(u.string('PositionName') ? { name: u.string('PositionName')! } : {}) });
            return serial;
          })
        : [required(b, 'PrimaryIdentifier', 'unit')];
    const twice = serials.filter((s, i) => s !== undefined && serials.indexOf(s) !== i);
    if (twice.length > 0) b.problem(`Units name the unit ${distinct(twice as string[]).join(', ')} more than once`);
    const positions = positioned.map((p) => p.position);
    if (new Set(positions).size !== positions.length) b.problem('Units name a PositionNumber more than once');
    if (workOrder === undefined) b.problem('WorkOrderIdentifier.WorkOrderId is missing: the brand and product come from it');
    const product = workOrder === undefined ? undefined : this.productOf(workOrder);
    if (workOrder !== undefined && product === undefined && envelope.problems.length === 0) {
      throw new Refused('UNMAPPED_WORK_ORDER', [
        `work order ${workOrder} is unknown: no WorkOrdersCreated gave its Customer and PartNumber, and CFX_WORK_ORDERS has no brand and product for it ` +
          '(a UnitsInitialized before its WorkOrdersCreated: send the dead letter again once the order exists)',
      ]);
    }
    // A panel is worth remembering when a position holds a unit other than the panel itself (not a single board).
    if (primary !== undefined && positioned.some((p) => p.serial !== primary)) {
      envelope.state.push({ kind: 'panel', panel: primary, units: positioned, at: envelope.timeStamp, uniqueId: envelope.uniqueId });
    }
    return serials.map((serial, i) =>
      this.event(envelope, 'UnitStarted', String(i), {
        serial: serial ?? '',
        brand: product?.brand ?? '',
        productPartNumber: product?.productPartNumber ?? '',
        workOrder: workOrder ?? '',
      }),
    );
  }

  /**
   * UnitsDisqualified: one UnitDisqualified per unit named (its own serial, or the unit at a panel's position); with
   * no units listed, the PrimaryIdentifier: every unit of it when it is a panel the bridge knows, else the board itself.
   */
  private unitsDisqualified(envelope: Envelope): MappedEvent[] {
    const b = envelope.body;
    const primary = b.string('PrimaryIdentifier');
    const units = b.objects('Units');
    const serials: (string | undefined)[] =
      units.length > 0
        ? units.map((u) => {
            const id = u.string('UnitIdentifier') ?? primary;
            const position = u.number('PositionNumber');
            const known = id !== undefined && position !== undefined ? this.state.unitAt(id, position) : undefined;
            return known ?? unitOfPosition(u, primary, units.length > 1).serial;
          })
        : primary === undefined
          ? [required(b, 'PrimaryIdentifier', 'unit')]
          : this.state.isPanel(primary)
            ? this.state.unitsOf(primary)
            : [primary];
    const comments = b.string('Comments');
    const reason = `CFX UnitsDisqualified: ${b.string('Reason') ?? 'Unspecified'}${comments !== undefined ? `: ${comments}` : ''}`.slice(0, 1024);
    return distinct(serials.map((s) => s ?? '')).map((serial, i) => this.event(envelope, 'UnitDisqualified', String(i), { serial, reason }));
  }

  /**
   * MaterialsModified: a package the line reports `Blocked` is on hold (LotStatusChanged `hold`, without a keyId, so it
   * is not sent back to the line). Nothing else of it is kept: the contract has no remaining quantity, and a package the
   * line reports `Active` or `Depleted` is not released (a release is a decision made through the API).
   */
  private materialsModified(envelope: Envelope): MappedEvent[] {
    const materials = envelope.body.objects('Materials');
    if (materials.length === 0) envelope.body.problem('Materials is empty');
    const why = envelope.body.string('Reason') ?? 'Unspecified';
    return materials.flatMap((m, i) => {
      const lotId = required(m, 'UniqueIdentifier', 'package');
      const status = m.string('Status');
      if (status?.toLowerCase() !== 'blocked') return [];
      return [this.event(envelope, 'LotStatusChanged', String(i), { lotId: lotId ?? '', status: 'hold', reason: `CFX MaterialsModified (${why}): the line reports the package Blocked` })];
    });
  }

  /** Brand and product of a work order's units: the MES's word where it gave it, field by field, else the configured mapping. */
  private productOf(workOrder: string): { brand: string; productPartNumber: string } | undefined {
    const announced = this.state.workOrder(workOrder);
    const configured = this.config.workOrders.get(workOrder);
    const customer = announced?.brand;
    const brand = (customer !== undefined ? (this.config.customerBrands?.get(normalizeVendorName(customer)) ?? customer) : undefined) ?? configured?.brand;
    const productPartNumber = announced?.productPartNumber ?? configured?.productPartNumber;
    return brand !== undefined && productPartNumber !== undefined ? { brand, productPartNumber } : undefined;
  }

  /**
   * WorkOrdersCreated / WorkOrdersUpdated: no contract event (the contract's units carry their work order, brand and
   * product themselves), a record of the bridge's state per order: its Customer as the brand, its PartNumber as the product.
   */
  private workOrders(envelope: Envelope, listName: 'NewOrders' | 'UpdatedOrders'): MappedEvent[] {
    const orders = envelope.body.objects(listName);
    if (orders.length === 0) envelope.body.problem(`${listName} is empty`);
    for (const order of orders) {
      const id = order.object('WorkOrderIdentifier')?.string('WorkOrderId');
      if (id === undefined) {
        order.problem('WorkOrderIdentifier.WorkOrderId is missing');
        continue;
      }
      const brand = idOf(order, 'Customer');
      const productPartNumber = idOf(order, 'PartNumber');
      envelope.state.push({
        kind: 'work-order', workOrder: id, ...(brand !== undefined ? { brand } : {}), ...(productPartNumber !== undefined ? { productPartNumber } : {}),
        at: envelope.timeStamp, uniqueId: envelope.uniqueId,
      });
    }
    return [];
  }

  /**
   * The unit an InstalledMaterial (or UninstalledMaterial) names: the unit at UnitPositionNumber when UnitIdentifier is
   * a panel whose UnitsInitialized the bridge saw, else UnitIdentifier itself (a unit's own serial).
   */
  private unitOf(item: CfxFields): string | undefined {
    const id = required(item, 'UnitIdentifier', 'unit');
    const position = item.number('UnitPositionNumber');
    if (id === undefined || position === undefined) return id;
    const unit = this.state.unitAt(id, position);
    if (unit !== undefined) return unit;
    if (this.state.isPanel(id)) missing('unit', item, `UnitPositionNumber ${position} (panel ${id} has no unit there)`);
    return id;
  }

  private event<T extends EventType>(
    envelope: Envelope,
    type: T,
    position: string,
    data: TraceEventOf<T>['data'],
    headers: Record<string, string> = {},
  ): MappedEvent {
    const correlationId = envelope.body.string('TransactionId') ?? envelope.uniqueId; // TransactionID too: any case
    const event = makeEvent(type, data, {
      eventId: `cfx:${envelope.uniqueId}:${position}`,
      occurredAt: envelope.timeStamp,
      source: envelope.source,
      correlationId,
    }) as TraceEvent;
    return {
      event,
      headers: {
        [CORRELATION_ID_HEADER]: correlationId,
        [CFX_HEADERS.messageName]: envelope.messageName,
        [CFX_HEADERS.uniqueId]: envelope.uniqueId,
        ...headers,
      },
    };
  }

  /** The contract's own validation of what the mapping built: a body that maps to no valid event does not fit. */
  private checked(mapped: MappedEvent): MappedEvent {
    const parsed = parseEvent(toMessage(mapped.event).value);
    if (!parsed.ok) throw new Refused('INVALID_BODY', parsed.errors.map((e) => `${mapped.event.type} ${e}`));
    return { event: parsed.event, headers: mapped.headers };
  }
}

/** A feeder location as one text: its identifier, with its name when it has one (`FDR-12 (1/12)`). */
function locationOf(location: CfxFields | undefined): string | undefined {
  if (location === undefined) return undefined;
  const id = location.string('LocationIdentifier');
  const name = location.string('LocationName');
  const text = id !== undefined && name !== undefined && name !== id ? `${id} (${name})` : id ?? name;
  return text?.slice(0, 128);
}

/** Where a splice was made: the location of either package, when the SDK's MaterialPackage carries none, none. */
function spliceLocation(body: CfxFields): string | undefined {
  return locationOf(body.object('Location')) ?? body.string('LocationIdentifier');
}

/** Per distinct reference designator, the first component placed at it: where from (the carrier location) and when. */
function placementsOf(components: CfxFields[], location: string | undefined): Placement[] {
  const seen = new Set<string>();
  const out: Placement[] = [];
  for (const c of components) {
    const refDes = c.string('ReferenceDesignator');
    if (refDes === undefined || seen.has(refDes)) continue;
    seen.add(refDes);
    const placedAt = c.string('InstallationTime');
    if (placedAt !== undefined && !isInstant(placedAt)) c.problem(`InstallationTime ${JSON.stringify(placedAt)} is no date-time with an offset`);
    const at = placedAt !== undefined && isInstant(placedAt) ? placedAt : undefined;
    // A placement says something only with where or when; a designator alone is in refDes already.
    if (location !== undefined || at !== undefined) out.push({ refDes, ...(location !== undefined ? { location } : {}), ...(at !== undefined ? { placedAt: at } : {}) });
  }
  return out;
}

/**
 * The candidates of a material that is a chain in its grey zone: the package named (the chain's trailing reel, by
 * whose barcode a chain is known) and every leading package still in the chain, while its GreyZone counts above 0.
 */
function greyZoneOf(material: CfxFields, lotId: string): { lotIds: string[]; reason: string } | undefined {
  const zone = material.number('GreyZone') ?? 0;
  const leading: string[] = [];
  for (let p = material.object('LeadingMaterialPackage'); p !== undefined && leading.length < 15; p = p.object('LeadingMaterialPackage')) {
    const id = p.string('UniqueIdentifier');
    if (id !== undefined && id !== lotId && !leading.includes(id)) leading.unshift(id);
  }
  if (zone <= 0 || leading.length === 0) return undefined;
  const lotIds = [...leading, lotId];
  return { lotIds, reason: `placed in the grey zone of the splice ${lotIds.join(' -> ')} (${zone} placement${zone === 1 ? '' : 's'} left): the machine cannot tell which package fed it` };
}

/**
 * A unit of a panel (a CFX UnitPosition): its own UnitIdentifier, or, where one of several units names the panel itself
 * (or nothing) and has a PositionNumber, the position's serial `<panel>@<position>`. A single unit that names the
 * panel (or nothing) is the board itself: the SDK always writes a PositionNumber, so it says nothing alone.
 */
function unitOfPosition(u: CfxFields, primary: string | undefined, several: boolean): { serial?: string; position?: number } {
  const id = u.string('UnitIdentifier');
  const position = u.number('PositionNumber');
  if (position !== undefined && !Number.isInteger(position)) u.problem(`PositionNumber ${position} is no whole number`);
  const at = position !== undefined && Number.isInteger(position) ? position : undefined;
  if (id !== undefined && id !== primary) return { serial: id, ...(at !== undefined ? { position: at } : {}) };
  const panel = id ?? primary;
  if (several && panel !== undefined && at !== undefined) return { serial: positionSerial(panel, at), position: at };
  if (panel !== undefined) return { serial: panel, ...(at !== undefined ? { position: at } : {}) };
  return { serial: required(u, 'UnitIdentifier', 'unit') };
}

/** An optional id of a CFX record: absent stays absent, one longer than the contract takes is a problem. */
function idOf(fields: CfxFields, name: string): string | undefined {
  const value = fields.string(name);
  if (value !== undefined && value.length > MAX_ID_LENGTH) return fields.problem(`${name} is longer than ${MAX_ID_LENGTH} characters`);
  return value;
}

/** A required identifier: its absence refuses the envelope as MISSING_ID, not as a body that does not fit. */
function required(fields: CfxFields, name: string, what: 'unit' | 'package'): string | undefined {
  const value = fields.string(name);
  if (value === undefined) missing(what, fields, name);
  return value;
}

function missing(what: 'unit' | 'package', fields: CfxFields, name?: string): never {
  throw new Refused('MISSING_ID', [`${fields.path}${name ? `.${name}` : ''}: the ${what} has no identifier`]);
}

function distinct(values: string[]): string[] {
  return [...new Set(values)];
}

/** The trade's date code, YYWW (ISO week), of a ManufactureDate; CFX has no date-code field of its own. */
function dateCodeOf(manufactured: string, fields: CfxFields): string | undefined {
  const time = Date.parse(manufactured);
  if (Number.isNaN(time)) return fields.problem(`ManufactureDate ${JSON.stringify(manufactured)} is no date`);
  const date = new Date(time);
  const day = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  day.setUTCDate(day.getUTCDate() + 4 - (day.getUTCDay() || 7)); // the Thursday of its ISO week decides the year
  const yearStart = Date.UTC(day.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((day.getTime() - yearStart) / 86_400_000 + 1) / 7);
  return `${String(day.getUTCFullYear() % 100).padStart(2, '0')}${String(week).padStart(2, '0')}`;
}
