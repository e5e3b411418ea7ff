import { LineState, parseStateRecord } from '../line-state/line-state';
import { gzipSync } from 'node:zlib';
import { vendorAliasTable } from './cfx-mapping.config';
import { CFX_HEADERS, MapCfxMessage, MappedMessage, UNRESOLVED_VENDOR_PREFIX } from './map-cfx-message.use-case';
import { parseTimeSpan } from '../cfx/time-span';
import { amqpBodyBytes } from '../cfx-amqp.consumer';

const mapper = new MapCfxMessage({
  vendorAliases: vendorAliasTable({ 'V-MURATA': ['Murata Electronics', 'MURATA MFG. CO.'] }),
  workOrders: new Map([['WO-1', { brand: 'Acme', productPartNumber: 'GW-100' }]]),
}, new LineState());

let seq = 0;
const envelope = (MessageName: string, MessageBody: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  MessageName,
  Version: '2.1',
  TimeStamp: '2018-10-03T16:03:05.1091909-04:00',
  UniqueID: `0c0e6a8e-0000-4000-8000-${String(++seq).padStart(12, '0')}`,
  Source: 'SMTPlus.Line1.Placer1',
  Target: null,
  RequestID: null,
  MessageBody: { $type: `${MessageName}, CFX`, ...(MessageBody as object) },
  ...extra,
});
const map = (value: unknown, contentEncoding?: string): MappedMessage =>
  mapper.execute({ body: Buffer.isBuffer(value) ? value : Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)), contentEncoding });
const data = (m: MappedMessage): unknown[] => m.events.map((e) => ({ type: e.event.type, ...e.event.data }));

const installed = (UnitIdentifier: string | null, lot: string | null, components: Record<string, unknown>[], extra: Record<string, unknown> = {}) => ({
  UnitIdentifier,
  UnitPositionNumber: 1,
  QuantityInstalled: components.length,
  Material: lot === null ? null : { UniqueIdentifier: lot, InternalPartNumber: 'CAP-100N', Quantity: 3988 },
  CarrierLocation: { LocationIdentifier: 'FDR-12', LocationName: '1/12' },
  InstalledComponents: components,
  ...extra,
});

describe('MapCfxMessage', () => {
  it('maps MaterialsInitialized to one MaterialReceived per package, the vendor resolved through its alias', () => {
    const env = envelope('CFX.Materials.Management.MaterialsInitialized', {
      Materials: [
        {
          UniqueIdentifier: 'REEL-1', InternalPartNumber: 'CAP-100N', Manufacturer: 'Murata', ManufacturerPartNumber: 'GRM188', Vendor: 'murata  electronics',
          ManufacturerLotCode: 'M2345', ManufactureDate: '2025-10-15T00:00:00+02:00', ReceivedDate: '2026-11-02T06:05:00Z', Quantity: 4000, Units: 'pcs',
          MaterialData: { $type: 'CFX.Structures.MaterialPackageMSDData, CFX', MSDLevel: 'MSL3', RemainingExposureTime: '6.00:00:00' },
        },
      ],
    });
    const out = map(env);
    expect(out.refusals).toEqual([]);
    expect(data(out)).toEqual([
      {
        type: 'MaterialReceived', receiptId: `cfx:${env.UniqueID as string}:0`, vendorId: 'V-MURATA', manufacturer: 'Murata', mpn: 'GRM188', internalPartNumber: 'CAP-100N',
        vendorLotCode: 'M2345', dateCode: '2542', receivedAt: '2026-11-02T06:05:00Z', uom: 'pcs', packages: [{ lotId: 'REEL-1', quantity: 4000 }],
      },
    ]);
    expect(out.events[0].event.eventId).toBe(`cfx:${env.UniqueID as string}:0`);
    expect(out.events[0].event.occurredAt).toBe('2018-10-03T16:03:05.1091909-04:00');
    expect(out.events[0].headers).toMatchObject({ [CFX_HEADERS.msdLevel]: 'MSL3', [CFX_HEADERS.remainingExposureSeconds]: '518400' });
    expect(out.events[0].headers[CFX_HEADERS.vendorUnresolved]).toBeUndefined();
  });

  it('flags a vendor the alias table does not know, and still records the receipt (MaterialsReceived too)', () => {
    const out = map(envelope('CFX.Materials.Management.MaterialsReceived', {
      Materials: [{ UniqueIdentifier: 'REEL-2', InternalPartNumber: 'R-10K', Manufacturer: 'Yageo', ManufacturerPartNumber: 'RC0603', Vendor: 'Shady Parts Ltd', ManufacturerLotCode: 'L1', Quantity: 5000 }],
    }));
    expect(out.events[0].event.data).toMatchObject({ vendorId: `${UNRESOLVED_VENDOR_PREFIX}Shady Parts Ltd`, receivedAt: '2018-10-03T16:03:05.1091909-04:00' });
    expect(out.events[0].headers[CFX_HEADERS.vendorUnresolved]).toBe('Shady Parts Ltd');
  });

  it('maps MaterialsSplit to LotSplit', () => {
    const out = map(envelope('CFX.Materials.Management.MaterialsSplit', {
      SourceMaterialPackageIdentifier: 'REEL-1', SourceMaterialPackageRemainingQuantity: 3000, NewMaterialPackageIdentifier: 'REEL-1B', NewMaterialPackageQuantity: 1000,
    }));
    expect(data(out)).toEqual([{ type: 'LotSplit', sourceLotId: 'REEL-1', newLots: [{ lotId: 'REEL-1B', quantity: 1000 }] }]);
  });

  it('maps MaterialsInstalled to MaterialInstalled per material with its reference designators, and UnitAssembled per sub-assembly', () => {
    const env = envelope('CFX.Production.Assembly.MaterialsInstalled', {
      TransactionId: 'a1b2c3d4-0000-0000-0000-000000000001',
      InstalledMaterials: [
        installed('PNL-1-1', 'REEL-1', [
          { $type: 'CFX.Structures.SMTPlacement.SMTInstalledComponent, CFX', ReferenceDesignator: 'C1' },
          { ReferenceDesignator: 'C2' },
          { ReferenceDesignator: 'C2' },
        ]),
        installed('GW-1', null, [{ ReferenceDesignator: 'J2', InstalledUnitIdentifier: 'PWR-1' }]),
      ],
    });
    const out = map(env);
    expect(out.refusals).toEqual([]);
    expect(data(out)).toEqual([
      {
        type: 'MaterialInstalled', serial: 'PNL-1-1', lotId: 'REEL-1', quantity: 3, refDes: ['C1', 'C2'],
        placements: [{ refDes: 'C1', location: 'FDR-12 (1/12)' }, { refDes: 'C2', location: 'FDR-12 (1/12)' }],
      },
      { type: 'UnitAssembled', serial: 'GW-1', childSerial: 'PWR-1', refDes: 'J2' },
    ]);
    expect(out.events.map((e) => e.event.eventId)).toEqual([`cfx:${env.UniqueID as string}:0`, `cfx:${env.UniqueID as string}:1:0`]);
    expect(out.events[0].event.correlationId).toBe('a1b2c3d4-0000-0000-0000-000000000001');
  });

  it('gives each placement its feeder location and time, and the BOM part an alternate replaced', () => {
    const out = map(envelope('CFX.Production.Assembly.MaterialsInstalled', {
      TransactionId: 'TX-P',
      InstalledMaterials: [installed('PNL-1-1', 'REEL-K', [
        { ReferenceDesignator: 'C5', InstallationTime: '2018-10-03T16:03:05.120-04:00' },
        { ReferenceDesignator: 'C6' },
      ], { ReferencePartNumber: 'CAP-100N' })],
    }));
    expect(data(out)).toEqual([{
      type: 'MaterialInstalled', serial: 'PNL-1-1', lotId: 'REEL-K', quantity: 2, refDes: ['C5', 'C6'], bomPartNumber: 'CAP-100N',
      placements: [{ refDes: 'C5', location: 'FDR-12 (1/12)', placedAt: '2018-10-03T16:03:05.120-04:00' }, { refDes: 'C6', location: 'FDR-12 (1/12)' }],
    }]);
  });

  it('maps MaterialsJoined to LotSpliced with its grey zone, and SplicePointDetected to the settling fact', () => {
    const joined = map(envelope('CFX.Materials.Management.MaterialsJoined', {
      LeadingMaterialPackage: { UniqueIdentifier: 'REEL-A', InternalPartNumber: 'CAP-100N', Quantity: 12 },
      TrailingMaterialPackage: { UniqueIdentifier: 'REEL-B', InternalPartNumber: 'CAP-100N', Quantity: 4000, GreyZone: 3 },
    }));
    expect(data(joined)).toEqual([{ type: 'LotSpliced', leadingLotId: 'REEL-A', trailingLotId: 'REEL-B', greyZone: 3 }]);
    const point = map(envelope('CFX.Materials.Storage.SplicePointDetected', {
      DepletedMaterial: { LocationIdentifier: 'FDR-12', LocationName: '1/12', MaterialPackage: { UniqueIdentifier: 'REEL-A' } },
      NewlyActiveMaterial: { LocationIdentifier: 'FDR-12', LocationName: '1/12', MaterialPackage: { UniqueIdentifier: 'REEL-B' } },
    }));
    expect(data(point)).toEqual([{ type: 'SplicePointDetected', leadingLotId: 'REEL-A', trailingLotId: 'REEL-B', location: 'FDR-12 (1/12)' }]);
  });

  it('makes a placement from a chain in its grey zone an installation from either package, and a certain one once the zone is 0', () => {
    const chain = (GreyZone: number) => ({ UniqueIdentifier: 'REEL-B', InternalPartNumber: 'CAP-100N', GreyZone, LeadingMaterialPackage: { UniqueIdentifier: 'REEL-A' } });
    const inZone = map(envelope('CFX.Production.Assembly.MaterialsInstalled', { InstalledMaterials: [installed('PNL-1-2', null, [{ ReferenceDesignator: 'C1' }], { Material: chain(2) })] }));
    expect(inZone.events[0]!.event.data).toMatchObject({
      lotId: 'REEL-B',
      candidates: { lotIds: ['REEL-A', 'REEL-B'], reason: expect.stringContaining('grey zone of the splice REEL-A -> REEL-B (2 placements left)') },
    });
    const after = map(envelope('CFX.Production.Assembly.MaterialsInstalled', { InstalledMaterials: [installed('PNL-1-3', null, [{ ReferenceDesignator: 'C1' }], { Material: chain(0) })] }));
    expect(after.events[0]!.event.data).toMatchObject({ lotId: 'REEL-B' });
    expect((after.events[0]!.event.data as { candidates?: unknown }).candidates).toBeUndefined();
  });

  it('reads TransactionID and TransactionId alike, as any letter case of a field', () => {
    const body = { transactionID: 'TX-9', installedmaterials: [{ unitidentifier: 'U-1', material: { uniqueidentifier: 'REEL-1' }, installedcomponents: [{ referencedesignator: 'R1' }] }] };
    const out = map(envelope('CFX.Production.Assembly.MaterialsInstalled', body));
    expect(data(out)).toEqual([{ type: 'MaterialInstalled', serial: 'U-1', lotId: 'REEL-1', quantity: 1, refDes: ['R1'] }]);
    expect(out.events[0].event.correlationId).toBe('TX-9');
  });

  it('maps MaterialsUninstalled to MaterialRemoved, and a sub-assembly taken out to UnitDisassembled', () => {
    const out = map(envelope('CFX.Production.Assembly.MaterialsUninstalled', {
      TransactionId: 'TX-2',
      UninstalledMaterials: [
        { UnitIdentifier: 'PNL-1-2', Material: { UniqueIdentifier: 'REEL-1' }, Reason: 'DefectiveMaterial', QuantityUninstalled: 1, UninstalledComponents: [{ ReferenceDesignator: 'C2' }] },
        { UnitIdentifier: 'GW-1', Reason: 'Other', UninstalledComponents: [{ ReferenceDesignator: 'J2', InstalledUnitIdentifier: 'PWR-1' }] },
      ],
    }));
    expect(data(out)).toEqual([
      { type: 'MaterialRemoved', serial: 'PNL-1-2', lotId: 'REEL-1', refDes: ['C2'], reason: 'CFX MaterialsUninstalled: DefectiveMaterial' },
      { type: 'UnitDisassembled', serial: 'GW-1', childSerial: 'PWR-1', reason: 'CFX MaterialsUninstalled: Other' },
    ]);
  });

  it('maps UnitsInitialized of a panel to one UnitStarted per unit, brand and product from the work order', () => {
    const out = map(envelope('CFX.Production.UnitsInitialized', {
      TransactionID: null, PrimaryIdentifier: 'PNL-1', WorkOrderIdentifier: { WorkOrderId: 'WO-1', Batch: null }, UnitCount: 2,
      Units: [{ UnitIdentifier: 'PNL-1-1', PositionNumber: 1, Status: 'Pass' }, { UnitIdentifier: 'PNL-1-2', PositionNumber: 2, Status: 'Pass' }],
    }));
    expect(data(out)).toEqual([
      { type: 'UnitStarted', serial: 'PNL-1-1', brand: 'Acme', productPartNumber: 'GW-100', workOrder: 'WO-1' },
      { type: 'UnitStarted', serial: 'PNL-1-2', brand: 'Acme', productPartNumber: 'GW-100', workOrder: 'WO-1' },
    ]);
  });

  it('starts the PrimaryIdentifier alone when UnitsInitialized lists no units', () => {
    const out = map(envelope('CFX.Production.UnitsInitialized', { PrimaryIdentifier: 'GW-7', WorkOrderIdentifier: { WorkOrderId: 'WO-1' } }));
    expect(data(out)).toEqual([{ type: 'UnitStarted', serial: 'GW-7', brand: 'Acme', productPartNumber: 'GW-100', workOrder: 'WO-1' }]);
  });

  it('decodes gzip, by its content encoding or by its magic bytes', () => {
    const env = envelope('CFX.Materials.Management.MaterialsSplit', { SourceMaterialPackageIdentifier: 'A', NewMaterialPackageIdentifier: 'B', NewMaterialPackageQuantity: 5 });
    const zipped = gzipSync(Buffer.from(JSON.stringify(env)));
    expect(data(map(zipped, 'gzip'))).toEqual([{ type: 'LotSplit', sourceLotId: 'A', newLots: [{ lotId: 'B', quantity: 5 }] }]);
    expect(data(map(zipped))).toHaveLength(1);
    expect(map(Buffer.from('not gzip at all'), 'gzip').refusals).toEqual([expect.objectContaining({ reason: 'INVALID_ENCODING' })]);
  });

  it('maps a list of envelopes, each on its own, and refuses only the bad one (with its position)', () => {
    const good = envelope('CFX.Materials.Management.MaterialsSplit', { SourceMaterialPackageIdentifier: 'A', NewMaterialPackageIdentifier: 'B', NewMaterialPackageQuantity: 5 });
    const bad = envelope('CFX.Materials.Management.MaterialsSplit', { SourceMaterialPackageIdentifier: 'A', NewMaterialPackageQuantity: 5 });
    const out = map(`  [${JSON.stringify(good)},${JSON.stringify(bad)}]`);
    expect(out.events.map((e) => e.event.eventId)).toEqual([`cfx:${good.UniqueID as string}:0`]);
    expect(out.refusals).toEqual([expect.objectContaining({ reason: 'MISSING_ID', index: 1, uniqueId: bad.UniqueID })]);
  });

  it('gives the same events for the same bytes: a redelivery changes nothing', () => {
    const bytes = JSON.stringify(envelope('CFX.Production.Assembly.MaterialsInstalled', { InstalledMaterials: [installed('U-1', 'REEL-1', [{ ReferenceDesignator: 'R1' }])] }));
    expect(map(bytes)).toEqual(map(bytes));
  });

  it('maps UnitsDisqualified to one UnitDisqualified per unit, with the reason and the comments', () => {
    const out = map(envelope('CFX.Production.UnitsDisqualified', {
      PrimaryIdentifier: 'PNL-1', Reason: 'DefectiveRepairNotPossible', Comments: 'dropped at AOI', UnitCount: 2,
      Units: [{ UnitIdentifier: 'PNL-1-2', PositionNumber: 2 }, { UnitIdentifier: 'PNL-1-3', PositionNumber: 3 }],
    }));
    expect(data(out)).toEqual([
      { type: 'UnitDisqualified', serial: 'PNL-1-2', reason: 'CFX UnitsDisqualified: DefectiveRepairNotPossible: dropped at AOI' },
      { type: 'UnitDisqualified', serial: 'PNL-1-3', reason: 'CFX UnitsDisqualified: DefectiveRepairNotPossible: dropped at AOI' },
    ]);
    expect(data(map(envelope('CFX.Production.UnitsDisqualified', { PrimaryIdentifier: 'GW-7', Reason: 'DefectiveMaterials' })))).toEqual([
      { type: 'UnitDisqualified', serial: 'GW-7', reason: 'CFX UnitsDisqualified: DefectiveMaterials' },
    ]);
  });

  it('maps a package MaterialsModified reports Blocked to a hold, and counts one that blocks nothing as not used', () => {
    const blocked = map(envelope('CFX.Materials.Management.MaterialsModified', {
      Reason: 'InformationWasIncorrect',
      Materials: [{ UniqueIdentifier: 'REEL-1', Quantity: 3120, Status: 'Active' }, { UniqueIdentifier: 'REEL-2', Quantity: 0, Status: 'Blocked' }],
    }));
    expect(data(blocked)).toEqual([{ type: 'LotStatusChanged', lotId: 'REEL-2', status: 'hold', reason: 'CFX MaterialsModified (InformationWasIncorrect): the line reports the package Blocked' }]);
    expect(blocked.events[0].event.eventId).toMatch(/:1$/);
    expect(blocked.unused).toEqual([]);
    const name = 'CFX.Materials.Management.MaterialsModified';
    expect(map(envelope(name, { Reason: 'ManualCountAndQuantityUpdate', Materials: [{ UniqueIdentifier: 'REEL-1', Quantity: 3120, Status: 'Active' }, { UniqueIdentifier: 'REEL-3', Status: 'Depleted' }] })))
      .toEqual({ events: [], refusals: [], unused: [name], state: [] });
    expect(map(envelope(name, { Materials: [{ Quantity: 1, Status: 'Blocked' }] })).refusals).toEqual([expect.objectContaining({ reason: 'MISSING_ID' })]);
  });

  it('counts messages it does not use, without dead-lettering them', () => {
    const out = map(envelope('CFX.Production.WorkStarted', { PrimaryIdentifier: 'PNL-1', TransactionID: 'x' }));
    expect(out).toEqual({ events: [], refusals: [], unused: ['CFX.Production.WorkStarted'], state: [] });
  });

  it.each([
    ['unparseable JSON', '{"MessageName": "CFX.Production.UnitsInitialized",', 'INVALID_JSON'],
    // The CFX docs' NonInstalledComponents example lacks commas between properties.
    ['the invalid NonInstalledComponents example of the CFX docs', '{"ReferenceDesignator": "R1" "NonInstallationTime": "2018-10-03T16:03:05-04:00" "Location": "RejectionBox"}', 'INVALID_JSON'],
    ['a JSON value that is no envelope', '42', 'INVALID_JSON'],
    ['an envelope without MessageName', JSON.stringify({ UniqueID: 'x', MessageBody: {} }), 'INVALID_ENVELOPE'],
    ['an envelope without UniqueID', JSON.stringify({ ...envelope('CFX.Production.UnitsInitialized', {}), UniqueID: null }), 'INVALID_ENVELOPE'],
    ['a TimeStamp without an offset', JSON.stringify({ ...envelope('CFX.Materials.Management.MaterialsSplit', {}), TimeStamp: '2018-10-03T16:03:05' }), 'INVALID_ENVELOPE'],
    ['a TimeStamp of a day that does not exist', JSON.stringify({ ...envelope('CFX.Materials.Management.MaterialsSplit', {}), TimeStamp: '2026-02-30T10:00:00Z' }), 'INVALID_ENVELOPE'],
    ['an unknown MessageName', JSON.stringify(envelope('Acme.Custom.Thing', {})), 'UNKNOWN_MESSAGE'],
    ['a body that does not fit (Materials is no list)', JSON.stringify(envelope('CFX.Materials.Management.MaterialsInitialized', { Materials: 'REEL-1' })), 'INVALID_BODY'],
    ['a body that maps to no valid event (a split of zero)', JSON.stringify(envelope('CFX.Materials.Management.MaterialsSplit', { SourceMaterialPackageIdentifier: 'A', NewMaterialPackageIdentifier: 'B', NewMaterialPackageQuantity: 0 })), 'INVALID_BODY'],
    ['a RemainingExposureTime in ISO 8601 instead of a TimeSpan', JSON.stringify(envelope('CFX.Materials.Management.MaterialsInitialized', { Materials: [{ UniqueIdentifier: 'R', InternalPartNumber: 'I', Manufacturer: 'M', ManufacturerPartNumber: 'P', ManufacturerLotCode: 'L', Quantity: 1, MaterialData: { RemainingExposureTime: 'P6D' } }] })), 'INVALID_BODY'],
    ['an installed material without its unit', JSON.stringify(envelope('CFX.Production.Assembly.MaterialsInstalled', { InstalledMaterials: [installed(null, 'REEL-1', [{ ReferenceDesignator: 'R1' }])] })), 'MISSING_ID'],
    ['an installed material without its package', JSON.stringify(envelope('CFX.Production.Assembly.MaterialsInstalled', { InstalledMaterials: [installed('U-1', null, [{ ReferenceDesignator: 'R1' }])] })), 'MISSING_ID'],
    ['a received package without its id', JSON.stringify(envelope('CFX.Materials.Management.MaterialsInitialized', { Materials: [{ InternalPartNumber: 'I', Quantity: 1 }] })), 'MISSING_ID'],
    ['a splice without its trailing package', JSON.stringify(envelope('CFX.Materials.Management.MaterialsJoined', { LeadingMaterialPackage: { UniqueIdentifier: 'A' } })), 'MISSING_ID'],
    ['a splice of a package to itself', JSON.stringify(envelope('CFX.Materials.Management.MaterialsJoined', { LeadingMaterialPackage: { UniqueIdentifier: 'A' }, TrailingMaterialPackage: { UniqueIdentifier: 'A' } })), 'INVALID_BODY'],
    ['an InstallationTime without an offset', JSON.stringify(envelope('CFX.Production.Assembly.MaterialsInstalled', { InstalledMaterials: [installed('U-1', 'REEL-1', [{ ReferenceDesignator: 'R1', InstallationTime: '2018-10-03T16:03:05' }])] })), 'INVALID_BODY'],
    ['a unit of a work order with no mapping', JSON.stringify(envelope('CFX.Production.UnitsInitialized', { PrimaryIdentifier: 'P', WorkOrderIdentifier: { WorkOrderId: 'WO-404' } })), 'UNMAPPED_WORK_ORDER'],
  ])('refuses %s', (_what, bytes, reason) => {
    const out = map(bytes);
    expect(out.events).toEqual([]);
    expect(out.refusals).toEqual([expect.objectContaining({ reason })]);
    expect(out.refusals[0].errors.length).toBeGreaterThan(0);
  });
});

describe('MapCfxMessage with what earlier messages taught it (LineState)', () => {
  const config = { vendorAliases: new Map<string, string>(), workOrders: new Map([['WO-CFG', { brand: 'Configured', productPartNumber: 'CFG-1' }]]) };
  const fresh = (state = new LineState()) => ({ state, mapper: new MapCfxMessage(config, state) });
  const run = (mapper: MapCfxMessage, value: unknown): MappedMessage => mapper.execute({ body: Buffer.from(JSON.stringify(value)) });
  const created = (orders: Record<string, unknown>[], extra: Record<string, unknown> = {}) =>
    envelope('CFX.InformationSystem.WorkOrderManagement.WorkOrdersCreated', { NewOrders: orders }, extra);
  const started = (WorkOrderId: string, body: Record<string, unknown> = { PrimaryIdentifier: 'B-1' }) =>
    envelope('CFX.Production.UnitsInitialized', { ...body, WorkOrderIdentifier: { WorkOrderId, Batch: null } });
  const unitStarted = (m: MappedMessage) => m.events.map((e) => e.event.data as { serial: string; brand: string; productPartNumber: string });

  it('remembers a WorkOrdersCreated: its Customer is the brand and its PartNumber the product of the units started later', () => {
    const { mapper } = fresh();
    const order = run(mapper, created([{ WorkOrderIdentifier: { WorkOrderId: 'WO-9', Batch: null }, Customer: 'Globex', PartNumber: 'GX-7', PartRevision: 'B', Quantity: 50 }]));
    expect(order.events).toEqual([]);
    expect(order.refusals).toEqual([]);
    expect(order.state).toEqual([expect.objectContaining({ kind: 'work-order', workOrder: 'WO-9', brand: 'Globex', productPartNumber: 'GX-7' })]);
    expect(unitStarted(run(mapper, started('WO-9')))).toEqual([expect.objectContaining({ serial: 'B-1', brand: 'Globex', productPartNumber: 'GX-7' })]);
  });

  it('gives the brand a Customer name stands for (CFX_CUSTOMER_BRANDS, matched loosely), else the Customer as written', () => {
    const state = new LineState();
    const mapper = new MapCfxMessage({ ...config, customerBrands: vendorAliasTable({ Acme: ['Acme Corporation'] }) }, state);
    run(mapper, created([{ WorkOrderIdentifier: { WorkOrderId: 'WO-A' }, Customer: 'ACME  corporation', PartNumber: 'GW-1' }, { WorkOrderIdentifier: { WorkOrderId: 'WO-I' }, Customer: 'Initech', PartNumber: 'IN-1' }]));
    expect(unitStarted(run(mapper, started('WO-A')))).toEqual([expect.objectContaining({ brand: 'Acme' })]);
    expect(unitStarted(run(mapper, started('WO-I')))).toEqual([expect.objectContaining({ brand: 'Initech' })]);
  });

  it('takes the MES word over the configured mapping, field by field, and the mapping where the MES sends none', () => {
    const { mapper } = fresh();
    run(mapper, created([{ WorkOrderIdentifier: { WorkOrderId: 'WO-CFG' }, PartNumber: 'MES-PN' }]));
    expect(unitStarted(run(mapper, started('WO-CFG')))).toEqual([expect.objectContaining({ brand: 'Configured', productPartNumber: 'MES-PN' })]);
  });

  it('writes a state record only when it changes the table: a redelivered or older WorkOrdersCreated changes nothing', () => {
    const { mapper, state } = fresh();
    const newer = created([{ WorkOrderIdentifier: { WorkOrderId: 'WO-9' }, Customer: 'Globex', PartNumber: 'GX-8' }], { TimeStamp: '2026-11-02T08:00:00-04:00' });
    const older = created([{ WorkOrderIdentifier: { WorkOrderId: 'WO-9' }, Customer: 'Globex', PartNumber: 'GX-7' }], { TimeStamp: '2026-11-02T07:00:00-04:00' });
    expect(run(mapper, newer).state).toHaveLength(1);
    expect(run(mapper, newer).state).toEqual([]);
    expect(run(mapper, older).state).toEqual([]);
    expect(state.workOrder('WO-9')?.productPartNumber).toBe('GX-8');
    const updated = envelope('CFX.InformationSystem.WorkOrderManagement.WorkOrdersUpdated', { UpdatedOrders: [{ WorkOrderIdentifier: { WorkOrderId: 'WO-9' }, Customer: 'Globex', PartNumber: 'GX-9' }] }, { TimeStamp: '2026-11-02T09:00:00-04:00' });
    expect(run(mapper, updated).state).toHaveLength(1);
    expect(state.workOrder('WO-9')?.productPartNumber).toBe('GX-9');
  });

  it('applies a work order read back from its state record the same as one just mapped (a restarted bridge)', () => {
    const { mapper: first } = fresh();
    const [record] = run(first, created([{ WorkOrderIdentifier: { WorkOrderId: 'WO-9' }, Customer: 'Globex', PartNumber: 'GX-7' }])).state;
    const restarted = new LineState();
    expect(restarted.offer(parseStateRecord(Buffer.from(JSON.stringify(record)))!)).toBe(true);
    expect(unitStarted(run(fresh(restarted).mapper, started('WO-9')))).toEqual([expect.objectContaining({ brand: 'Globex', productPartNumber: 'GX-7' })]);
  });

  it('dead-letters a UnitsInitialized that comes before its WorkOrdersCreated (and has no mapping), and maps it sent again after', () => {
    const { mapper } = fresh();
    const early = started('WO-9');
    const refused = run(mapper, early);
    expect(refused.events).toEqual([]);
    expect(refused.refusals).toEqual([expect.objectContaining({ reason: 'UNMAPPED_WORK_ORDER', errors: [expect.stringContaining('work order WO-9 is unknown: no WorkOrdersCreated')] })]);
    run(mapper, created([{ WorkOrderIdentifier: { WorkOrderId: 'WO-9' }, Customer: 'Globex', PartNumber: 'GX-7' }]));
    const again = run(mapper, early);
    expect(again.refusals).toEqual([]);
    expect(again.events.map((e) => e.event.eventId)).toEqual([`cfx:${early.UniqueID as string}:0`]);
  });

  it('refuses a WorkOrdersCreated whose order has no WorkOrderId, and remembers nothing of it', () => {
    const { mapper, state } = fresh();
    const out = run(mapper, created([{ WorkOrderIdentifier: { WorkOrderId: 'WO-8' }, Customer: 'A', PartNumber: 'P' }, { WorkOrderIdentifier: null, Customer: 'A' }]));
    expect(out.refusals).toEqual([expect.objectContaining({ reason: 'INVALID_BODY', errors: [expect.stringContaining('NewOrders[1]: WorkOrderIdentifier.WorkOrderId is missing')] })]);
    expect(out.state).toEqual([]);
    expect(state.workOrder('WO-8')).toBeUndefined();
  });

  it('gives each unit of a panel named by position its own serial, and sends installations by UnitPositionNumber to it', () => {
    const { mapper } = fresh();
    const panel = run(mapper, started('WO-CFG', {
      PrimaryIdentifier: 'PNL-7', UnitCount: 2,
      Units: [{ UnitIdentifier: 'PNL-7', PositionNumber: 1, PositionName: 'Circuit1' }, { UnitIdentifier: 'PNL-7', PositionNumber: 2, PositionName: 'Circuit2' }],
    }));
    expect(unitStarted(panel).map((u) => u.serial)).toEqual(['PNL-7@1', 'PNL-7@2']);
    expect(panel.state).toEqual([expect.objectContaining({ kind: 'panel', panel: 'PNL-7', units: [{ position: 1, serial: 'PNL-7@1', name: 'Circuit1' }, { position: 2, serial: 'PNL-7@2', name: 'Circuit2' }] })]);
    const placed = run(mapper, envelope('CFX.Production.Assembly.MaterialsInstalled', {
      InstalledMaterials: [installed('PNL-7', 'REEL-1', [{ ReferenceDesignator: 'R1' }], { UnitPositionNumber: 2 }), installed('PNL-7', 'REEL-1', [{ ReferenceDesignator: 'R1' }], { UnitPositionNumber: 1 })],
    }));
    expect(placed.events.map((e) => (e.event.data as { serial: string }).serial)).toEqual(['PNL-7@2', 'PNL-7@1']);
  });

  it('sends an installation named by panel and position to the unit of its own barcode at that position, also after a restart', () => {
    const { mapper } = fresh();
    const [record] = run(mapper, started('WO-CFG', { PrimaryIdentifier: 'PNL-8', Units: [1, 2, 3].map((n) => ({ UnitIdentifier: `SN-${n}`, PositionNumber: n })) })).state;
    const restarted = new LineState();
    restarted.offer(parseStateRecord(JSON.stringify(record))!);
    const out = run(fresh(restarted).mapper, envelope('CFX.Production.Assembly.MaterialsUninstalled', {
      UninstalledMaterials: [{ UnitIdentifier: 'PNL-8', UnitPositionNumber: 3, Material: { UniqueIdentifier: 'REEL-1' }, UninstalledComponents: [{ ReferenceDesignator: 'C1' }] }],
    }));
    expect(out.events.map((e) => e.event.data)).toEqual([expect.objectContaining({ serial: 'SN-3', lotId: 'REEL-1' })]);
  });

  it('refuses a position the panel does not have, and takes a unit serial with a position as that unit', () => {
    const { mapper } = fresh();
    run(mapper, started('WO-CFG', { PrimaryIdentifier: 'PNL-9', Units: [1, 2].map((n) => ({ UnitIdentifier: 'PNL-9', PositionNumber: n })) }));
    const off = run(mapper, envelope('CFX.Production.Assembly.MaterialsInstalled', { InstalledMaterials: [installed('PNL-9', 'REEL-1', [{ ReferenceDesignator: 'R1' }], { UnitPositionNumber: 5 })] }));
    expect(off.refusals).toEqual([expect.objectContaining({ reason: 'MISSING_ID', errors: [expect.stringContaining('UnitPositionNumber 5 (panel PNL-9 has no unit there)')] })]);
    const own = run(mapper, envelope('CFX.Production.Assembly.MaterialsInstalled', { InstalledMaterials: [installed('SN-77', 'REEL-1', [{ ReferenceDesignator: 'R1' }], { UnitPositionNumber: 5 })] }));
    expect(own.events.map((e) => (e.event.data as { serial: string }).serial)).toEqual(['SN-77']);
  });

  it('starts a single board as itself though the SDK gives it a PositionNumber, and remembers no panel for it', () => {
    const { mapper, state } = fresh();
    const out = run(mapper, started('WO-CFG', { PrimaryIdentifier: 'GW-9', Units: [{ UnitIdentifier: 'GW-9', PositionNumber: 1 }] }));
    expect(unitStarted(out).map((u) => u.serial)).toEqual(['GW-9']);
    expect(out.state).toEqual([]);
    expect(state.isPanel('GW-9')).toBe(false);
  });

  it('disqualifies the unit at a panel position, and every unit of a panel disqualified whole', () => {
    const { mapper } = fresh();
    run(mapper, started('WO-CFG', { PrimaryIdentifier: 'PNL-5', Units: [1, 2, 3].map((n) => ({ UnitIdentifier: 'PNL-5', PositionNumber: n })) }));
    const one = run(mapper, envelope('CFX.Production.UnitsDisqualified', { PrimaryIdentifier: 'PNL-5', Reason: 'DefectiveMaterials', UnitCount: 1, Units: [{ UnitIdentifier: 'PNL-5', PositionNumber: 2 }] }));
    expect(one.events.map((e) => (e.event.data as { serial: string }).serial)).toEqual(['PNL-5@2']);
    const whole = run(mapper, envelope('CFX.Production.UnitsDisqualified', { PrimaryIdentifier: 'PNL-5', Reason: 'DefectiveRepairNotFeasible' }));
    expect(whole.events.map((e) => (e.event.data as { serial: string }).serial)).toEqual(['PNL-5@1', 'PNL-5@2', 'PNL-5@3']);
  });

  it('refuses a panel that names one position twice', () => {
    const { mapper } = fresh();
    const out = run(mapper, started('WO-CFG', { PrimaryIdentifier: 'PNL-X', Units: [{ PositionNumber: 1 }, { PositionNumber: 1 }] }));
    expect(out.refusals).toEqual([expect.objectContaining({ reason: 'INVALID_BODY' })]);
    expect(out.state).toEqual([]);
  });
});

describe('parseTimeSpan', () => {
  it.each([
    ['6.00:00:00', 518_400],
    ['00:30:00', 1_800],
    ['1.02:03:04.5', 93_784.5],
    ['-00:00:01', -1],
  ])('reads the .NET TimeSpan %s', (text, seconds) => expect(parseTimeSpan(text)).toBe(seconds));

  it.each(['P6D', '6 days', '25:00:00', '00:60:00', ''])('refuses %j', (text) => expect(parseTimeSpan(text)).toBeUndefined());
});

describe('amqpBodyBytes', () => {
  it('reads a data section, several data sections, a binary value and a string value', () => {
    expect(amqpBodyBytes({ typecode: 0x75, content: Buffer.from('{}') })?.toString()).toBe('{}');
    expect(amqpBodyBytes({ typecode: 0x75, content: [Buffer.from('[1,'), Buffer.from('2]')], multiple: true })?.toString()).toBe('[1,2]');
    expect(amqpBodyBytes(Buffer.from('x'))?.toString()).toBe('x');
    expect(amqpBodyBytes('{"a":1}')?.toString()).toBe('{"a":1}');
    expect(amqpBodyBytes({ some: 'map' })).toBeUndefined();
  });
});
