import { ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Connection, EventContext, Sender, create_container, message as amqpMessage } from 'rhea';
import { CFX_DEAD_LETTER_TOPIC, CFX_LINE_TOPIC, TOPICS } from '@trace/contracts';
import { ensureTopics } from '@trace/platform';
import type { KafkaMessage } from 'kafkajs';
import { acquireAmqp } from './support/backends';
import { sleep, TestWorld } from './support/harness';

// A recorded CFX session from one line, sent through a real AMQP 1.0 broker to the bridge (a child process, SIGKILLed
// halfway), then through Kafka and the ingest; the API's answers must be what the session implies.
const GREY_PLACED_AT = '2026-11-02T06:10:00.120-04:00';
const ROOT = join(__dirname, '..');
const FILLERS = 150;
const CFX_STATE_TOPIC = 'trace.cfx-state.v1';
/**
 * The events the session makes: 6 receipts, 1 split, 1 splice, 7 + FILLERS unit starts (two of a panel named by
 * position), 10 installations (two from either reel of the splice, one an alternate part, one by panel position),
 * 1 assembly, 2 removals (one of a grey-zone placement, naming the other reel), 1 unit disqualified, 1 hold (a package
 * the line reports Blocked).
 */
const EXPECTED_EVENTS = 6 + 1 + 1 + 7 + FILLERS + 10 + 1 + 2 + 1 + 1;

let second = 0;
/** Session time as a CFX endpoint writes it: local time with its offset, seven fractional digits. */
const cfxTime = (): string => `${new Date(Date.UTC(2026, 10, 2, 6, 0, second++)).toISOString().slice(0, 19)}.1091909-04:00`;
const envelope = (MessageName: string, MessageBody: object): Record<string, unknown> => ({
  MessageName,
  Version: '2.1',
  TimeStamp: cfxTime(),
  UniqueID: randomUUID(),
  Source: 'SMTPlus.Line1.Placer1',
  Target: null,
  RequestID: null,
  MessageBody: { $type: `${MessageName}, CFX`, ...MessageBody },
});
const material = (UniqueIdentifier: string, Vendor: string, ManufacturerPartNumber: string, Quantity: number) => ({
  UniqueIdentifier, InternalPartNumber: `IPN-${ManufacturerPartNumber}`, Manufacturer: Vendor, ManufacturerPartNumber, Vendor, ManufacturerLotCode: `LOT-${UniqueIdentifier}`,
  ReceivedDate: '2026-11-02T06:00:00Z', Quantity, Status: 'Active',
  MaterialData: { $type: 'CFX.Structures.MaterialPackageMSDData, CFX', MSDLevel: 'MSL3', RemainingExposureTime: '6.00:00:00' },
});
const install = (UnitIdentifier: string, lot: string | null, components: Record<string, unknown>[]) => ({
  UnitIdentifier, UnitPositionNumber: null, QuantityInstalled: Math.max(1, components.length), Material: lot ? { UniqueIdentifier: lot } : null,
  CarrierLocation: { LocationIdentifier: 'FDR-1' }, InstalledComponents: components, NonInstalledComponents: [],
});

interface Outgoing {
  body: Buffer;
  gzip?: boolean;
}
const json = (value: unknown, gzip = false): Outgoing => {
  const text = Buffer.from(JSON.stringify(value));
  return gzip ? { body: gzipSync(text), gzip } : { body: text };
};

function session(): { first: Outgoing[]; second: Outgoing[] } {
  const received = json(envelope('CFX.Materials.Management.MaterialsInitialized', {
    Materials: [
      material('REEL-A', 'Murata Electronics', 'GRM188', 4000), material('REEL-B', 'Shady Parts Ltd', 'RC0603', 5000), material('TRAY-P', 'TI', 'TPS54331', 250),
      material('REEL-C1', 'Murata Electronics', 'GRM155', 12), material('REEL-C2', 'Murata Electronics', 'GRM155', 4000), material('REEL-K', 'Murata Electronics', 'RK73', 5000),
    ],
  }), true);
  const split = json(envelope('CFX.Materials.Management.MaterialsSplit', {
    SourceMaterialPackageIdentifier: 'REEL-A', SourceMaterialPackageRemainingQuantity: 3000, NewMaterialPackageIdentifier: 'REEL-A2', NewMaterialPackageQuantity: 1000,
  }));
  const panel = json(envelope('CFX.Production.UnitsInitialized', {
    TransactionID: null, PrimaryIdentifier: 'PNL-1', HermesIdentifier: null, WorkOrderIdentifier: { WorkOrderId: 'WO-1', Batch: null }, UnitCount: 3,
    Units: [1, 2, 3].map((n) => ({ UnitIdentifier: `PNL-1-${n}`, PositionNumber: n, PositionName: `Circuit${n}`, Status: 'Pass' })),
  }));
  const others = json([
    envelope('CFX.Production.UnitsInitialized', { PrimaryIdentifier: 'PWR-1', WorkOrderIdentifier: { WorkOrderId: 'WO-2' } }),
    envelope('CFX.Production.UnitsInitialized', { PrimaryIdentifier: 'GW-1', WorkOrderIdentifier: { WorkOrderId: 'WO-3' } }),
  ]);
  const placed = json(envelope('CFX.Production.Assembly.MaterialsInstalled', {
    TransactionId: randomUUID(),
    InstalledMaterials: [
      ...[1, 2, 3].map((n) => install(`PNL-1-${n}`, 'REEL-A2', [{ $type: 'CFX.Structures.SMTPlacement.SMTInstalledComponent, CFX', ReferenceDesignator: 'C1' }, { ReferenceDesignator: 'C2' }])),
      install('PNL-1-1', 'REEL-B', [{ ReferenceDesignator: 'R1' }]),
    ],
  }), true);
  const power = json([
    envelope('CFX.Production.Assembly.MaterialsInstalled', { TransactionId: randomUUID(), InstalledMaterials: [install('PWR-1', 'TRAY-P', [{ ReferenceDesignator: 'U1' }])] }),
    envelope('CFX.Production.Assembly.MaterialsInstalled', { TransactionId: randomUUID(), InstalledMaterials: [install('GW-1', null, [{ ReferenceDesignator: 'J2', InstalledUnitIdentifier: 'PWR-1' }])] }),
  ]);
  const uninstall = json(envelope('CFX.Production.Assembly.MaterialsUninstalled', {
    TransactionId: randomUUID(),
    UninstalledMaterials: [{ UnitIdentifier: 'PNL-1-3', Material: { UniqueIdentifier: 'REEL-A2' }, Reason: 'DefectiveMaterial', QuantityUninstalled: 2, UninstalledComponents: [{ ReferenceDesignator: 'C1' }, { ReferenceDesignator: 'C2' }] }],
  }));
  // REEL-C2 spliced onto REEL-C1 at feeder 3: PNL-1-2 is placed while the grey zone counts 2 (from either reel), PNL-1-3
  // once it is 0 (REEL-C2 alone); PNL-1-1 gets REEL-K in place of the BOM part IPN-RC0603 (an alternate).
  const joined = json(envelope('CFX.Materials.Management.MaterialsJoined', {
    LeadingMaterialPackage: { UniqueIdentifier: 'REEL-C1', InternalPartNumber: 'IPN-GRM155', Quantity: 12 },
    TrailingMaterialPackage: { UniqueIdentifier: 'REEL-C2', InternalPartNumber: 'IPN-GRM155', Quantity: 4000, GreyZone: 2 },
  }));
  const chain = (GreyZone: number) => ({ UniqueIdentifier: 'REEL-C2', InternalPartNumber: 'IPN-GRM155', GreyZone, LeadingMaterialPackage: { UniqueIdentifier: 'REEL-C1' } });
  const spliced = json(envelope('CFX.Production.Assembly.MaterialsInstalled', {
    TransactionId: randomUUID(),
    InstalledMaterials: [
      { ...install('PNL-1-2', null, [{ ReferenceDesignator: 'C3', InstallationTime: GREY_PLACED_AT }]), Material: chain(2), CarrierLocation: { LocationIdentifier: 'FDR-3' } },
      { ...install('PNL-1-3', null, [{ ReferenceDesignator: 'C3' }]), Material: chain(0), CarrierLocation: { LocationIdentifier: 'FDR-3' } },
      { ...install('PNL-1-1', 'REEL-K', [{ ReferenceDesignator: 'R2' }]), ReferencePartNumber: 'IPN-RC0603' },
      { ...install('PNL-1-1', null, [{ ReferenceDesignator: 'C4' }]), Material: chain(1), CarrierLocation: { LocationIdentifier: 'FDR-3' } },
    ],
  }), true);
  // PNL-1-1's C4, placed from REEL-C1 or REEL-C2 (recorded under the chain's REEL-C2), is taken out naming REEL-C1: out
  // of both where-useds (the candidate rows below would list PNL-1-1 otherwise).
  const greyUninstall = json(envelope('CFX.Production.Assembly.MaterialsUninstalled', {
    TransactionId: randomUUID(),
    UninstalledMaterials: [{ UnitIdentifier: 'PNL-1-1', Material: { UniqueIdentifier: 'REEL-C1' }, Reason: 'DefectiveInstallation', QuantityUninstalled: 1, UninstalledComponents: [{ ReferenceDesignator: 'C4' }] }],
  }));
  // The MES announces WO-9 (not in CFX_WORK_ORDERS) before the SIGKILL; its panel PNL-2, whose units carry no barcode of
  // their own (named by position), comes after the restart, and so does a placement on its position 2.
  const order = json(envelope('CFX.InformationSystem.WorkOrderManagement.WorkOrdersCreated', {
    NewOrders: [{ WorkOrderIdentifier: { WorkOrderId: 'WO-9', Batch: null }, Customer: 'Acme', PartNumber: 'GW-200-MB', PartRevision: 'A', Quantity: 2, Status: 'Released' }],
  }));
  const panelByPosition = json(envelope('CFX.Production.UnitsInitialized', {
    PrimaryIdentifier: 'PNL-2', WorkOrderIdentifier: { WorkOrderId: 'WO-9', Batch: null }, UnitCount: 2,
    Units: [1, 2].map((n) => ({ UnitIdentifier: 'PNL-2', PositionNumber: n, PositionName: `Circuit${n}`, Status: 'Pass' })),
  }));
  const onPosition = json(envelope('CFX.Production.Assembly.MaterialsInstalled', {
    TransactionId: randomUUID(), InstalledMaterials: [{ ...install('PNL-2', 'REEL-K', [{ ReferenceDesignator: 'R5' }]), UnitPositionNumber: 2 }],
  }));
  const scrapped = json(envelope('CFX.Production.UnitsDisqualified', {
    PrimaryIdentifier: 'PNL-2', Reason: 'DefectiveRepairNotPossible', Comments: 'cracked in depaneling', UnitCount: 1, Units: [{ UnitIdentifier: 'PNL-2', PositionNumber: 1 }],
  }));
  const modified = json(envelope('CFX.Materials.Management.MaterialsModified', {
    Reason: 'SensorTriggeredCorrection', Materials: [{ UniqueIdentifier: 'REEL-B', Quantity: 4990, Status: 'Blocked' }, { UniqueIdentifier: 'REEL-K', Quantity: 4990, Status: 'Active' }],
  }));
  const unknownOrder = json(envelope('CFX.Production.UnitsInitialized', { PrimaryIdentifier: 'LOST-1', WorkOrderIdentifier: { WorkOrderId: 'WO-404' } }));
  const unused = json(envelope('CFX.Production.WorkStarted', { PrimaryIdentifier: 'PNL-1', TransactionID: randomUUID(), Lane: 1 }));
  const bad: Outgoing[] = [
    { body: Buffer.from('{"MessageName": "CFX.Production.UnitsInitialized", "UniqueID": ') }, // unparseable JSON
    json(envelope('Acme.Custom.Telemetry', { value: 1 })), // unknown MessageName
    json(envelope('CFX.Materials.Management.MaterialsInitialized', { Materials: 'REEL-Z' })), // a body that does not fit
    json(envelope('CFX.Production.Assembly.MaterialsInstalled', { InstalledMaterials: [install('', 'REEL-A', [{ ReferenceDesignator: 'C9' }])] })), // no unit id
    { body: Buffer.from('definitely not gzip'), gzip: true }, // a broken gzip body
  ];
  // Enough single boards that the SIGKILL lands while the bridge is busy.
  const fillers = Array.from({ length: FILLERS }, (_, n) =>
    json(envelope('CFX.Production.UnitsInitialized', { PrimaryIdentifier: `FILL-${n}`, WorkOrderIdentifier: { WorkOrderId: 'WO-1' } })),
  );
  return {
    first: [received, split, order, bad[0], panel, others, unused, bad[1], ...fillers],
    second: [placed, bad[2], joined, power, placed /* redelivered, byte for byte */, spliced, greyUninstall, uninstall, bad[3], bad[4], panelByPosition, onPosition, scrapped, modified, unknownOrder],
  };
}

/** Every message on a topic of the world, read from the beginning (at least `expected`, then a moment more). */
async function readAll(w: TestWorld, contractTopic: string, expected: number): Promise<KafkaMessage[]> {
  const consumer = w.kafka.consumer({ groupId: `reader-${w.id}-${randomUUID()}` });
  const seen: KafkaMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: w.topic(contractTopic), fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void seen.push(message) });
    const deadline = Date.now() + 30_000;
    while (seen.length < expected && Date.now() < deadline) await sleep(100);
    await sleep(500);
    return seen;
  } finally {
    await consumer.disconnect();
  }
}

class CfxLine {
  private connection?: Connection;
  private sender?: Sender;

  async open(url: string, address: string): Promise<void> {
    const u = new URL(url);
    const connection = create_container().connect({ host: u.hostname, port: Number(u.port), reconnect: false });
    this.connection = connection;
    this.sender = await new Promise<Sender>((resolve, reject) => {
      const sender = connection.open_sender({ target: { address } });
      sender.once('sendable', () => resolve(sender));
      connection.once('disconnected', (c: EventContext) => reject(c.error ?? new Error('disconnected')));
    });
  }

  /** Sends as the CFX SDK does (a data section, gzip when told), resolving once the broker has the message. */
  async send(messages: Outgoing[]): Promise<void> {
    for (const m of messages) {
      await new Promise<void>((resolve, reject) => {
        const delivery = this.sender!.send({
          body: amqpMessage.data_section(m.body),
          durable: true,
          message_id: randomUUID(),
          ...(m.gzip ? { content_encoding: 'gzip' } : {}),
          application_properties: { 'cfx-handle': 'SMTPlus.Line1.Placer1' },
        });
        const settled = (c: EventContext): void => {
          if (c.delivery !== delivery) return;
          this.sender!.removeListener('accepted', settled);
          this.sender!.removeListener('rejected', settled);
          if (c.delivery.remote_state?.error) reject(new Error(`the broker rejected a message: ${String(c.delivery.remote_state.error)}`));
          else resolve();
        };
        this.sender!.on('accepted', settled);
        this.sender!.on('rejected', settled);
      });
    }
  }

  /** Requests the bridge sent to the line, as the line's request queue received them. */
  readonly requests: Record<string, any>[] = [];

  /** Serves requests on `address` as a line does: each answered on `responseAddress`, blocked (Success), nothing left out. */
  async serve(requestAddress: string, responseAddress: string): Promise<void> {
    const connection = this.connection!;
    const replies = await new Promise<Sender>((resolve) => {
      const sender = connection.open_sender({ target: { address: responseAddress } });
      sender.once('sendable', () => resolve(sender));
    });
    await new Promise<void>((resolve) => {
      const receiver = connection.open_receiver({ source: { address: requestAddress } });
      receiver.once('receiver_open', () => resolve());
      receiver.on('message', (c: EventContext) => {
        const request = JSON.parse(Buffer.from((c.message!.body as { content: Buffer }).content).toString()) as Record<string, any>;
        this.requests.push({ ...request, replyTo: c.message!.reply_to });
        replies.send({
          body: amqpMessage.data_section(Buffer.from(JSON.stringify({
            MessageName: String(request.MessageName).replace(/Request$/, 'Response'), Version: '2.1', TimeStamp: cfxTime(), UniqueID: randomUUID(),
            Source: 'SMTPlus.Line1', Target: request.Source, RequestID: request.UniqueID,
            MessageBody: { Result: { Result: 'Success', ResultCode: 0, Message: 'blocked at feeder 3' }, MaterialsPackagesNotBlocked: [] },
          }))),
          durable: true,
          correlation_id: c.message!.message_id,
        });
      });
    });
  }

  close(): void {
    this.connection?.close();
  }
}

describe('the CFX bridge through a real AMQP broker, Kafka and the ingest', () => {
  const w = new TestWorld('cfx_bridge');
  const address = `cfx.${w.id}`;
  const requestAddress = `cfx.requests.${w.id}`;
  const responseAddress = `cfx.responses.${w.id}`;
  const line = new CfxLine();
  let amqp: { url: string; stop(): Promise<void> };
  let bridge: ChildProcess | undefined;
  let bridgeLog = '';
  let bridgeStdout = ''; // of every bridge run: pino's JSON lines
  let currentLog = ''; // of the bridge running now

  const startBridge = (): ChildProcess => {
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', 'apps/cfx-bridge/src/main.ts'], {
      cwd: ROOT,
      env: {
        ...w.env,
        LOG_LEVEL: 'log', // its "consuming" line says it is up (the log is kept, not printed)
        TS_NODE_PROJECT: join(ROOT, 'tsconfig.json'),
        CFX_AMQP_URL: amqp.url,
        CFX_ADDRESS: address,
        KAFKA_CLIENT_ID: `cfx-bridge-${w.id}`,
        CFX_PREFETCH: '5',
        CFX_REQUEST_ADDRESS: requestAddress,
        CFX_RESPONSE_ADDRESS: responseAddress,
        CFX_MAX_BACKOFF_MS: '1000',
        CFX_VENDOR_ALIASES: JSON.stringify({ 'V-MURATA': ['Murata Electronics'], 'V-TI': ['TI', 'Texas Instruments'] }),
        CFX_WORK_ORDERS: JSON.stringify({
          'WO-1': { brand: 'Acme', productPartNumber: 'GW-100-MB' },
          'WO-2': { brand: 'Acme', productPartNumber: 'PWR-10' },
          'WO-3': { brand: 'Acme', productPartNumber: 'GW-100' },
        }),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    currentLog = '';
    const keep = (c: Buffer): void => {
      bridgeLog += c.toString();
      currentLog += c.toString();
    };
    child.stdout?.on('data', keep);
    child.stdout?.on('data', (c: Buffer) => void (bridgeStdout += c.toString()));
    child.stderr?.on('data', keep);
    return child;
  };
  const exited = (child: ChildProcess): Promise<void> =>
    child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((r) => child.once('exit', () => r()));

  /** Resolves once `check` holds, polling; fails with the bridge's log if it never does. */
  const eventually = async (what: string, check: () => Promise<boolean>, timeoutMs = 90_000): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms; the bridge said:\n${bridgeLog.slice(-3000)}`);
      await sleep(250);
    }
  };

  beforeAll(async () => {
    amqp = await acquireAmqp(`${process.env.TEST_STACK_NAME ?? 'test'}-cfx`);
    await w.createTopics();
    const admin = w.kafka.admin();
    await admin.connect();
    await ensureTopics(admin, [w.topic(CFX_DEAD_LETTER_TOPIC)], 3, 30_000).finally(() => admin.disconnect());
    await Promise.all([w.startIngest(), w.startApi(), line.open(amqp.url, address)]);
    await line.serve(requestAddress, responseAddress);
    const { first, second } = session();
    bridge = startBridge();
    await line.send(first);
    // Kill the bridge while it is busy with the fillers, with the rest of the session still to come.
    await eventually('the bridge at work', async () => (await w.endOffset(TOPICS.production)) >= 20, 60_000);
    bridge.kill('SIGKILL');
    await exited(bridge);
    await line.send(second);
    bridge = startBridge();
    await eventually('the six dead letters', async () => (await w.endOffset(CFX_DEAD_LETTER_TOPIC)) >= 6);
    await w.waitForIngest();
  }, 240_000);

  afterAll(async () => {
    line.close();
    if (bridge) {
      bridge.kill('SIGTERM');
      await exited(bridge);
    }
    await w.close();
    await amqp?.stop();
  });

  const brief = (r: { lotId: string; serial: string; topSerial: string }): string => `${r.lotId}>${r.serial}>${r.topSerial}`;

  it('gives the where-used the session implies: through the split, the sub-assembly, without the uninstalled unit', async () => {
    const reelA = await w.get('/v1/lots/REEL-A/where-used');
    expect(reelA.status).toBe(200);
    expect(reelA.body.items.map(brief).sort()).toEqual(['REEL-A2>PNL-1-1>PNL-1-1', 'REEL-A2>PNL-1-2>PNL-1-2']);
    const tray = await w.get('/v1/lots/TRAY-P/where-used');
    expect(tray.body.items.map(brief)).toEqual(['TRAY-P>PWR-1>GW-1']);
    expect(tray.body.items[0]).toMatchObject({ brand: 'Acme', productPartNumber: 'GW-100' });
    const history = await w.get('/v1/lots/REEL-A/where-used?history=true');
    expect(history.body.items.map((r: { serial: string; removed: boolean }) => `${r.serial}:${r.removed}`).sort()).toEqual(['PNL-1-1:false', 'PNL-1-2:false', 'PNL-1-3:true']);
  });

  it('gives the genealogy of a panel unit and of the top unit once each, though a message came twice and the bridge was killed', async () => {
    const unit = await w.get('/v1/serials/PNL-1-1/genealogy');
    expect(unit.status).toBe(200);
    expect(unit.body.unit).toMatchObject({ serial: 'PNL-1-1', brand: 'Acme', productPartNumber: 'GW-100-MB', workOrder: 'WO-1' });
    expect(unit.body.unit.materials.map((m: { lotId: string; refDes: string[] }) => `${m.lotId}:${[...m.refDes].sort().join(',')}`).sort()).toEqual(['REEL-A2:C1,C2', 'REEL-B:R1', 'REEL-K:R2']);
    expect(unit.body.summary.installations).toBe(3);
    expect(unit.body.summary.vendors.map((v: { vendorId: string }) => v.vendorId).sort()).toEqual(['V-MURATA', 'unresolved:Shady Parts Ltd']);
    const top = await w.get('/v1/serials/GW-1/genealogy');
    expect(top.body.unit.subAssemblies.map((s: { unit: { serial: string } }) => s.unit.serial)).toEqual(['PWR-1']);
    expect(top.body.summary).toMatchObject({ units: 2, installations: 1 });
  });

  it('has every event of the session on Kafka, none lost to the SIGKILL, a repeat only ever byte for byte the same', async () => {
    const messages = (await Promise.all([TOPICS.receipt, TOPICS.lot, TOPICS.production].map((t) => readAll(w, t, 0)))).flat();
    const byId = new Map<string, Set<string>>();
    for (const m of messages) {
      const id = (JSON.parse(m.value!.toString()) as { eventId: string }).eventId;
      byId.set(id, (byId.get(id) ?? new Set()).add(m.value!.toString()));
    }
    expect(byId.size).toBe(EXPECTED_EVENTS);
    expect([...byId.values()].filter((versions) => versions.size > 1)).toEqual([]);
    const missing: string[] = [];
    for (let n = 0; n < FILLERS; n++) {
      const { body } = await w.get(`/v1/serials/FILL-${n}/genealogy`);
      if (body?.unit?.brand !== 'Acme') missing.push(`FILL-${n}`);
    }
    expect(missing).toEqual([]);
  });

  it('remembers a WorkOrdersCreated across the SIGKILL: the panel started after the restart has its brand and product, each position its own unit', async () => {
    expect(currentLog).toMatch(/state read back from \S+: 1 work orders, 1 panels/);
    for (const n of [1, 2]) {
      const unit = await w.get(`/v1/serials/PNL-2@${n}/genealogy`);
      expect(unit.status).toBe(200);
      expect(unit.body.unit).toMatchObject({ serial: `PNL-2@${n}`, brand: 'Acme', productPartNumber: 'GW-200-MB', workOrder: 'WO-9' });
    }
    expect((await w.get('/v1/serials/PNL-2@2/genealogy')).body.unit.materials.map((m: { lotId: string; refDes: string[] }) => `${m.lotId}:${m.refDes.join(',')}`)).toEqual(['REEL-K:R5']);
    expect((await w.get('/v1/serials/PNL-2@1/genealogy')).body.unit.materials).toEqual([]);
    expect((await w.get('/v1/serials/PNL-2@1/genealogy')).body.unit.disqualifications).toEqual([
      expect.objectContaining({ reason: 'CFX UnitsDisqualified: DefectiveRepairNotPossible: cracked in depaneling', provenance: expect.objectContaining({ type: 'UnitDisqualified' }) }),
    ]);
    expect((await w.get('/v1/serials/PNL-2@2/genealogy')).body.unit.disqualifications).toBeUndefined();
    expect((await w.get('/v1/serials/PNL-2/genealogy')).status).toBe(404);
    const records = (await readAll(w, CFX_STATE_TOPIC, 3)).map((m) => m.key!.toString()).sort();
    expect(records).toEqual(['panel:PNL-1', 'panel:PNL-2', 'work-order:WO-9']);
  });

  it('came up twice, before and after the SIGKILL, and is still running', () => {
    expect(bridgeLog.match(/consuming CFX from amqp:\/\/\S+ address cfx\.\S+/g)).toHaveLength(2);
    expect(bridge?.exitCode).toBeNull();
  });

  it('dead-letters each bad message with its reason and original bytes, and not the message it does not use', async () => {
    const letters = await readAll(w, CFX_DEAD_LETTER_TOPIC, 6);
    const reasons = new Map(letters.map((m) => [m.headers?.['dlq.amqp.message-id']?.toString(), m.headers?.['dlq.reason']?.toString()]));
    expect([...reasons.values()].sort()).toEqual(['INVALID_BODY', 'INVALID_ENCODING', 'INVALID_JSON', 'MISSING_ID', 'UNKNOWN_MESSAGE', 'UNMAPPED_WORK_ORDER']);
    const invalidJson = letters.find((m) => m.headers?.['dlq.reason']?.toString() === 'INVALID_JSON');
    expect(invalidJson?.value?.toString()).toBe('{"MessageName": "CFX.Production.UnitsInitialized", "UniqueID": ');
    expect(letters.some((m) => m.headers?.['dlq.cfx.message-name']?.toString() === 'CFX.Production.WorkStarted')).toBe(false);
  });

  it('logs one JSON object a line (pino), each dead letter with its reason and the ids that find it', () => {
    const lines = bridgeStdout.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.filter((l) => l.name !== 'cfx-bridge' || typeof l.level !== 'string' || typeof l.msg !== 'string')).toEqual([]);
    const letters = lines.filter((l) => l.level === 'warn' && String(l.msg).startsWith('dead-lettered CFX'));
    expect([...new Set(letters.map((l) => l.reason))].sort()).toEqual(['INVALID_BODY', 'INVALID_ENCODING', 'INVALID_JSON', 'MISSING_ID', 'UNKNOWN_MESSAGE', 'UNMAPPED_WORK_ORDER']);
    expect(letters.every((l) => typeof l.amqpMessageId === 'string')).toBe(true);
    expect(letters.find((l) => l.reason === 'UNKNOWN_MESSAGE')).toMatchObject({ messageName: 'Acme.Custom.Telemetry', uniqueId: expect.any(String) });
  });

  const rows = async (path: string): Promise<string[]> =>
    ((await w.get(path)).body.items as { serial: string; candidate?: true; candidateLotIds?: string[] }[])
      .map((r) => `${r.serial}${r.candidate ? `?${r.candidateLotIds!.join('|')}` : ''}`)
      .sort();

  it('lists both reels of a grey-zone placement as candidates: in the genealogy with the reason, in the where-used of either', async () => {
    const unit = await w.get('/v1/serials/PNL-1-2/genealogy');
    const grey = unit.body.unit.materials.find((m: { refDes: string[] }) => m.refDes.includes('C3'));
    expect(grey).toMatchObject({
      lotId: 'REEL-C2',
      candidates: { lotIds: ['REEL-C1', 'REEL-C2'], inWords: 'REEL-C1 or REEL-C2', reason: expect.stringContaining('grey zone of the splice REEL-C1 -> REEL-C2') },
      placements: [{ refDes: 'C3', location: 'FDR-3', placedAt: GREY_PLACED_AT }],
    });
    expect(unit.body.lots.find((l: { lotId: string }) => l.lotId === 'REEL-C1').splices).toEqual([expect.objectContaining({ leadingLotId: 'REEL-C1', trailingLotId: 'REEL-C2', greyZone: 2 })]);
    expect(await rows('/v1/lots/REEL-C1/where-used')).toEqual(['PNL-1-2?REEL-C1|REEL-C2']);
    expect(await rows('/v1/lots/REEL-C2/where-used')).toEqual(['PNL-1-2?REEL-C1|REEL-C2', 'PNL-1-3']);
    expect(await rows('/v1/lots/REEL-C2/where-used?candidates=exclude')).toEqual(['PNL-1-3']);
    expect(await rows('/v1/lots/REEL-C2/where-used?candidates=only')).toEqual(['PNL-1-2?REEL-C1|REEL-C2']);
    const history = (await w.get('/v1/serials/PNL-1-1/genealogy?history=true')).body.unit.materials.find((m: { refDes: string[] }) => m.refDes.includes('C4'));
    expect(history).toMatchObject({ removed: true, candidates: { lotIds: ['REEL-C1', 'REEL-C2'] }, removal: { reason: 'CFX MaterialsUninstalled: DefectiveInstallation' } });
    expect((await w.get('/v1/lots/REEL-C2/where-used?candidates=maybe')).status).toBe(400);
  });

  it('puts a package the line reports Blocked (MaterialsModified) on hold, and releases none it reports Active', async () => {
    const unit = await w.get('/v1/serials/PNL-1-1/genealogy');
    const lot = (id: string) => unit.body.lots.find((l: { lotId: string }) => l.lotId === id);
    expect(lot('REEL-B')).toMatchObject({ status: 'hold', statusHistory: [expect.objectContaining({ status: 'hold', reason: expect.stringContaining('the line reports the package Blocked') })] });
    expect(lot('REEL-K').status).toBe('released');
  });

  it('keeps the BOM part an alternate was installed in place of', async () => {
    const unit = await w.get('/v1/serials/PNL-1-1/genealogy');
    expect(unit.body.unit.materials.find((m: { lotId: string }) => m.lotId === 'REEL-K')).toMatchObject({ bomPartNumber: 'IPN-RC0603', placements: [{ refDes: 'R2', location: 'FDR-1' }] });
  });

  it('sends a hold made through the API to the line as a BlockMaterialsRequest, and records the line response', async () => {
    await eventually('the holds consumer of the restarted bridge', async () => currentLog.includes('sending holds made through the API'));
    await sleep(1_000); // its first fetch of the lot topic's offsets follows the join
    const hold = await w.post('/v1/lots/REEL-C1/hold', { reason: 'cracked capacitors on field returns' });
    expect(hold.status).toBe(202);
    await eventually('the request at the line', async () => line.requests.length >= 1);
    expect(line.requests).toEqual([expect.objectContaining({
      MessageName: 'CFX.Materials.Management.BlockMaterialsRequest', replyTo: responseAddress,
      MessageBody: expect.objectContaining({ MaterialPackageIdentifiers: ['REEL-C1'], Reason: 'SuspectedProblem', Comments: 'cracked capacitors on field returns', Blocker: expect.objectContaining({ ActorType: 'RemoteSystem' }) }),
    })]);
    await eventually('the response recorded', async () => (await w.endOffset(CFX_LINE_TOPIC)) >= 2);
    const records = (await readAll(w, CFX_LINE_TOPIC, 2)).map((m) => JSON.parse(m.value!.toString()) as Record<string, unknown>);
    const requestId = line.requests[0]!.UniqueID as string;
    expect(records).toEqual(expect.arrayContaining([
      expect.objectContaining({ kind: 'request', requestId, lotIds: ['REEL-C1'], status: 'hold', holdPosition: expect.objectContaining({ topic: w.topic(TOPICS.lot) }) }),
      expect.objectContaining({ kind: 'response', requestId, result: { result: 'Success', resultCode: 0, message: 'blocked at feeder 3' }, notBlocked: [] }),
    ]));
  });

  it('narrows the candidates once a splice point says which reel fed the placement (here: the leading one)', async () => {
    await line.send([json({ ...envelope('CFX.Materials.Storage.SplicePointDetected', {
      DepletedMaterial: { LocationIdentifier: 'FDR-3', MaterialPackage: { UniqueIdentifier: 'REEL-C1' } },
      NewlyActiveMaterial: { LocationIdentifier: 'FDR-3', MaterialPackage: { UniqueIdentifier: 'REEL-C2' } },
    }), TimeStamp: '2026-11-02T06:20:00.000-04:00' })]);
    await eventually('the splice point recorded', async () => (await rows('/v1/lots/REEL-C2/where-used')).length === 1);
    expect(await rows('/v1/lots/REEL-C2/where-used')).toEqual(['PNL-1-3']);
    expect(await rows('/v1/lots/REEL-C1/where-used')).toEqual(['PNL-1-2']);
    const unit = await w.get('/v1/serials/PNL-1-2/genealogy');
    expect(unit.body.unit.materials.find((m: { refDes: string[] }) => m.refDes.includes('C3'))).toMatchObject({ lotId: 'REEL-C1', candidates: { settledTo: 'REEL-C1', inWords: 'REEL-C1' } });
  });
});
