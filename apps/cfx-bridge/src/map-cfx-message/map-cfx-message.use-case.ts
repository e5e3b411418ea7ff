import { Inject, Injectable } from '@nestjs/common';
import { CFX_EVENT_HEADERS, CORRELATION_ID_HEADER, EventType, MAX_ID_LENGTH, Placement, TraceEvent, TraceEventOf, isInstant, makeEvent, parseEvent, toMessage } from '@trace/contracts';
import { CfxFields } from '../cfx/cfx-fields';
import { MAPPED_MESSAGES, MappedMessageName, isCfxMessageName, mappedMessage } from '../cfx/cfx-messages';
import { CfxRejectReason, decodeCfx } from '../cfx/decode-cfx';
import { parseTimeSpan } from '../cfx/time-span';
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

/** What one AMQP message becomes: events to produce, refusals to dead-letter, names of messages not used. */
export interface MappedMessage {
  events: MappedEvent[];
  refusals: CfxRefusal[];
  unused: string[];
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
}

/**
 * Maps one AMQP message of IPC-CFX to contract v1 events. Pure: no AMQP, no Kafka, the same bytes give the same events
 * (event ids are `cfx:<UniqueID>:<position>`), so a redelivered message changes nothing downstream.
 */
@Injectable()
export class MapCfxMessage {
  constructor(@Inject(CFX_MAPPING_CONFIG) private readonly config: CfxMappingConfig) {}

  execute(command: MapCfxMessageCommand): MappedMessage {
    const result: MappedMessage = { events: [], refusals: [], unused: [] };
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
        result.events.push(...this.mapEnvelope(mapped, envelope, problems));
      } catch (error) {
        if (!(error instanceof Refused)) throw error;
        result.refusals.push({ reason: error.reason, errors: error.errors, ...at, ...names });
      }
    });
    return result;
  }

  private mapEnvelope(messageName: MappedMessageName, fields: CfxFields, problems: string[]): MappedEvent[] {
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
    const envelope: Envelope = { messageName, uniqueId, timeStamp, source: fields.string('Source') ?? 'cfx', body, problems };
    const events = this.mapBody(envelope);
    if (problems.length > 0) throw new Refused('INVALID_BODY', [...problems]);
    return events.map((mapped) => this.checked(mapped));
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
      const serial = required(item, 'UnitIdentifier', 'unit');
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
      const serial = required(item, 'UnitIdentifier', 'unit');
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

  /** UnitsInitialized: one UnitStarted per unit of the panel (or the PrimaryIdentifier alone, for a single board). */
  private unitsInitialized(envelope: Envelope): MappedEvent[] {
    const b = envelope.body;
    const workOrder = b.object('WorkOrderIdentifier')?.string('WorkOrderId');
    const units = b.objects('Units');
    const serials: (string | undefined)[] =
      units.length > 0 ? units.map((u) => required(u, 'UnitIdentifier', 'unit')) : [required(b, 'PrimaryIdentifier', 'unit')];
    if (workOrder === undefined) b.problem('WorkOrderIdentifier.WorkOrderId is missing: the brand and product come from it');
    const product = workOrder === undefined ? undefined : this.config.workOrders.get(workOrder);
    if (workOrder !== undefined && product === undefined && envelope.problems.length === 0) {
      throw new Refused('UNMAPPED_WORK_ORDER', [`work order ${workOrder} has no brand and product in CFX_WORK_ORDERS`]);
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
