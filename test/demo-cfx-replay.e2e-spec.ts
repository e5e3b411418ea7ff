import { INestApplicationContext } from '@nestjs/common';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MetricsServer } from '@trace/platform';
import { gatewayAuthority, gatewayScenario } from '@trace/contracts/testing';
import { startCfxBridge } from '../apps/cfx-bridge/src/bootstrap';
import { CfxAmqpConsumer } from '../apps/cfx-bridge/src/cfx-amqp.consumer';
import { DEMO_CFX_SESSION, recordedSession, replayCfxSession } from '../scripts/cfx-replay';
import { acquireAmqp } from './support/backends';
import { sleep, TestWorld } from './support/harness';

// What `npm run demo` does with its recorded CFX session: the demo's data through Kafka, the session replayed into a real
// AMQP 1.0 broker as the line sent it, the bridge with the demo's mapping tables; the demo brand's key must then see the
// serial the demo names, with its placements and the splice's "REEL-K2 or REEL-K3".
describe('the demo replay of a recorded CFX session', () => {
  const w = new TestWorld('demo_cfx');
  const address = `cfx.demo.${w.id}`;
  let amqp: { url: string; stop(): Promise<void> };
  let bridge: INestApplicationContext | undefined;
  let brandKey = '';
  const serial = DEMO_CFX_SESSION.serial;

  beforeAll(async () => {
    amqp = await acquireAmqp(`${process.env.TEST_STACK_NAME ?? 'test'}-cfx`);
    await w.createTopics();
    await Promise.all([w.startIngest(), w.startApi()]);
    const scenario = gatewayScenario();
    await w.produce([...scenario.events, ...gatewayAuthority()]);
    bridge = await startCfxBridge({
      ...w.env, CFX_AMQP_URL: amqp.url, CFX_ADDRESS: address, KAFKA_CLIENT_ID: `cfx-bridge-${w.id}`, METRICS_PORT: '0', ...DEMO_CFX_SESSION.bridgeEnv,
    });
    await replayCfxSession(amqp.url, address);
    // Not the demo's: one message of no CFX namespace after the session, for the dead-letter counter.
    const stray = join(mkdtempSync(join(tmpdir(), 'cfx-stray-')), 'stray.ndjson');
    writeFileSync(stray, `${JSON.stringify({ MessageName: 'Acme.Custom.Telemetry', Version: '2.1', TimeStamp: '2026-11-02T08:02:00-05:00', UniqueID: `stray-${w.id}`, Source: 'acme', MessageBody: {} })}\n`);
    await replayCfxSession(amqp.url, address, stray);
    brandKey = (await w.createKey('auditor', ['Acme'], 'the demo brand auditor')).key;
    // The bridge produces asynchronously: wait for its last installation, then for the ingest to commit everything.
    const deadline = Date.now() + 90_000;
    const consumer = bridge.get(CfxAmqpConsumer);
    while ((consumer.counts.messages < 9 || (await w.get(`/v1/serials/GW100-0004/genealogy`)).body?.summary?.installations !== 3) && Date.now() < deadline) await sleep(250);
    await w.waitForIngest();
  }, 180_000);

  afterAll(async () => {
    await bridge?.close();
    await w.close();
    await amqp?.stop();
  });

  it('replays every message of the recorded session into the bridge: each mapped, remembered or counted as unused (only the stray one after it refused)', () => {
    expect(recordedSession(DEMO_CFX_SESSION.file).map((m) => m.messageName)).toEqual([
      'CFX.InformationSystem.WorkOrderManagement.WorkOrdersCreated',
      'CFX.Materials.Management.MaterialsInitialized',
      'CFX.Production.UnitsInitialized',
      'CFX.Production.WorkStarted',
      'CFX.Production.Assembly.MaterialsInstalled',
      'CFX.Materials.Management.MaterialsJoined',
      'CFX.Production.Assembly.MaterialsInstalled',
      'CFX.Production.WorkCompleted',
    ]);
    expect(bridge!.get(CfxAmqpConsumer).counts).toEqual({
      messages: 8 + 1, // and the stray message after the session
      events: 3 + 2 + 3 + 1 + 3, // receipts, unit starts, installations, the splice, installations
      deadLetters: 1, // the stray message alone
      stateRecords: 2, // the work order (WorkOrdersCreated) and the panel's positions (UnitsInitialized)
      unused: { 'CFX.Production.WorkStarted': 1, 'CFX.Production.WorkCompleted': 1 },
    });
  });

  it("shows the demo brand the named serial's placements, and the grey-zone placement as from REEL-K2 or REEL-K3", async () => {
    const { status, body } = await w.get(`/v1/serials/${serial}/genealogy`, brandKey);
    expect(status).toBe(200);
    expect(body.unit).toMatchObject({ serial, brand: 'Acme', productPartNumber: 'GW-100', workOrder: 'WO-1002' });
    const byRefDes = Object.fromEntries((body.unit.materials as { refDes: string[] }[]).map((m) => [m.refDes.join(','), m]));
    expect(byRefDes).toEqual({
      U1: expect.objectContaining({ lotId: 'TRAY-U2', placements: [{ refDes: 'U1', location: 'TRAY-2 (Tray 2)', placedAt: '2026-11-02T08:00:31.1091909-05:00' }] }),
      C10: expect.objectContaining({ lotId: 'REEL-K2', placements: [expect.objectContaining({ refDes: 'C10', location: 'FDR-7 (1/7)' })] }),
      C11: expect.objectContaining({
        lotId: 'REEL-K3',
        placements: [expect.objectContaining({ refDes: 'C11', location: 'FDR-7 (1/7)' })],
        candidates: expect.objectContaining({ lotIds: ['REEL-K2', 'REEL-K3'], inWords: 'REEL-K2 or REEL-K3', reason: expect.stringContaining('grey zone of the splice REEL-K2 -> REEL-K3') }),
      }),
    });
    expect(byRefDes.C10).not.toHaveProperty('candidates');
    expect(body.lots.find((l: { lotId: string }) => l.lotId === 'REEL-K2').splices).toEqual([expect.objectContaining({ leadingLotId: 'REEL-K2', trailingLotId: 'REEL-K3', greyZone: 2 })]);
    // The vendors CFX named in free text resolved through the demo's alias table to the demo's registered vendors.
    expect(body.summary.vendors.map((v: { vendorId: string; name: string }) => `${v.vendorId}:${v.name}`).sort()).toEqual(['V-TI:Texas Instruments', 'V-UNUSED:Kemet']);
  });

  it('lists each unit of the panel in the where-used of both reels: certain where one placement surely came from it, else a candidate', async () => {
    const rows = async (lot: string): Promise<string[]> =>
      ((await w.get(`/v1/lots/${lot}/where-used`, brandKey)).body.items as { serial: string; candidate?: true }[]).map((r) => `${r.serial}${r.candidate ? '?' : ''}`).sort();
    expect(await rows('REEL-K2')).toEqual(['GW100-0003', 'GW100-0004?']);
    expect(await rows('REEL-K3')).toEqual(['GW100-0003?', 'GW100-0004']);
  });

  it("serves the bridge's counters and handling time on its /metrics", async () => {
    const res = await fetch(bridge!.get(MetricsServer).url);
    expect(res.status).toBe(200);
    const series = new Map((await res.text()).split('\n').filter((l) => l.startsWith('trace_cfx_')).map((l) => [l.slice(0, l.lastIndexOf(' ')), Number(l.slice(l.lastIndexOf(' ') + 1))]));
    expect(Object.fromEntries([...series].filter(([name]) => !name.includes('_bucket') && !name.endsWith('_sum')))).toEqual({
      trace_cfx_messages_accepted_total: 9,
      'trace_cfx_events_total{type="MaterialReceived"}': 3,
      'trace_cfx_events_total{type="UnitStarted"}': 2,
      'trace_cfx_events_total{type="MaterialInstalled"}': 6,
      'trace_cfx_events_total{type="LotSpliced"}': 1,
      'trace_cfx_dead_letters_total{reason="UNKNOWN_MESSAGE"}': 1,
      'trace_cfx_state_records_total{kind="work-order"}': 1,
      'trace_cfx_state_records_total{kind="panel"}': 1,
      'trace_cfx_unused_messages_total{message="CFX.Production.WorkStarted"}': 1,
      'trace_cfx_unused_messages_total{message="CFX.Production.WorkCompleted"}': 1,
      trace_cfx_message_duration_seconds_count: 9,
    });
    expect(series.get('trace_cfx_message_duration_seconds_bucket{le="+Inf"}')).toBe(9);
    expect(series.get('trace_cfx_message_duration_seconds_sum')).toBeGreaterThan(0);
  });
});
