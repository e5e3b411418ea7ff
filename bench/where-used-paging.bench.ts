import { TraceEvent, makeEvent, toMessage } from '@trace/contracts';
import { COLLECTIONS } from '@trace/genealogy/testing';
import mongoose from 'mongoose';
import { ApiUnderTest, startApiOn } from './genealogy.bench';
import { loadGraph } from './graph-bulk';
import { Latency, latencyOf, now } from './stats';

type Db = mongoose.mongo.Db;
type Doc = Record<string, any>;

/** A where-used of one reel in every board, read as JSON pages and as one NDJSON stream, against the floor of its reads. */
export interface WhereUsedPagingFigures {
  rows: number;
  pageSize: number;
  /** The page timed against page 1: the last full page (page `rows / pageSize`). */
  farPage: number;
  first: Latency;
  far: Latency;
  ndjson: Latency;
  floor: Latency;
  /** Documents the floor reads: the lot and its index, the buckets, the boards, the systems. */
  floorDocuments: number;
}

const REEL = 'WU-REEL';
const PAGE = 1_000;
const at = '2026-11-01T08:00:00Z';

// One reel installed in every board; every 4 boards built into a system: two levels to climb, one row a board.
function events(boards: number): TraceEvent[] {
  let seq = 0;
  const ev = <T extends TraceEvent['type']>(type: T, data: Extract<TraceEvent, { type: T }>['data']): TraceEvent =>
    makeEvent(type, data as never, { eventId: `wu${++seq}`, occurredAt: at }) as TraceEvent;
  const out: TraceEvent[] = [
    ev('MaterialReceived', { receiptId: 'GR-WU', vendorId: 'V-WU', manufacturer: 'M', mpn: 'WU', internalPartNumber: 'I', vendorLotCode: 'L', receivedAt: at, uom: 'pcs', packages: [{ lotId: REEL, quantity: 1e7 }] }),
  ];
  for (let b = 0; b < boards; b++) {
    const serial = `WB-${String(b).padStart(7, '0')}`;
    const system = `WS-${String(Math.floor(b / 4)).padStart(7, '0')}`;
    out.push(ev('UnitStarted', { serial, brand: 'Acme', productPartNumber: 'BRD', workOrder: 'WO-1' }));
    out.push(ev('MaterialInstalled', { serial, lotId: REEL, quantity: 1, refDes: ['U1'] }));
    if (b % 4 === 0) out.push(ev('UnitStarted', { serial: system, brand: 'Acme', productPartNumber: 'SYS', workOrder: 'WO-S' }));
    out.push(ev('UnitAssembled', { serial: system, childSerial: serial }));
  }
  return out;
}

// The ids the where-used reads, level by level (untimed): the lot and its bucket index, the buckets, each level of units.
async function levelsOf(db: Db): Promise<Record<string, string[]>[]> {
  const [index] = await db.collection<Doc>(COLLECTIONS.lotUseIndex).find({ _id: REEL as never }).toArray();
  const bucketIds = Object.values((index?.buckets ?? {}) as Record<string, number>).map((b) => JSON.stringify([REEL, b]));
  const buckets = await db.collection<Doc>(COLLECTIONS.lotUses).find({ _id: { $in: bucketIds as never[] } }).toArray();
  if (buckets.length !== bucketIds.length) throw new Error(`where-used floor: ${buckets.length} of ${bucketIds.length} lot_uses buckets found (is lotUsesId still JSON [lot, bucket]?)`);
  const levels: Record<string, string[]>[] = [{ [COLLECTIONS.lots]: [REEL], [COLLECTIONS.lotUseIndex]: [REEL] }, { [COLLECTIONS.lotUses]: bucketIds }];
  let serials = [...new Set(buckets.flatMap((d) => Object.values((d.serials ?? {}) as Record<string, string>)))];
  const seen = new Set(serials);
  while (serials.length > 0) {
    levels.push({ [COLLECTIONS.units]: serials });
    const next = new Set<string>();
    for (let i = 0; i < serials.length; i += 1_000) {
      for (const u of await db.collection<Doc>(COLLECTIONS.units).find({ _id: { $in: serials.slice(i, i + 1_000) as never[] } }, { projection: { parents: 1 } }).toArray()) {
        for (const p of Object.values((u.parents ?? {}) as Record<string, { serial: string }>)) if (!seen.has(p.serial)) next.add(p.serial);
      }
    }
    for (const s of next) seen.add(s);
    serials = [...next];
  }
  return levels;
}

const FLOOR_CHUNK = 200;

// The floor: each level's documents read in chunks of 200 side by side, one wait per level, no processing.
async function floorRead(db: Db, levels: Record<string, string[]>[]): Promise<void> {
  for (const level of levels) {
    const reads: Promise<unknown>[] = [];
    for (const [collection, ids] of Object.entries(level)) {
      for (let i = 0; i < ids.length; i += FLOOR_CHUNK) reads.push(db.collection(collection).find({ _id: { $in: ids.slice(i, i + FLOOR_CHUNK) as never[] } }).toArray());
    }
    await Promise.all(reads);
  }
}

async function get(api: ApiUnderTest, path: string): Promise<{ text: string }> {
  const res = await fetch(`${api.url}${path}`, { headers: { authorization: `Bearer ${api.key}` } });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${text.slice(0, 200)}`);
  return { text };
}

/**
 * Loads a reel in `boards` boards (bulk loader, not Kafka), then times round-robin: page 1 of pages of 1,000, the last
 * full page (its cursor found by an untimed walk), the whole answer as NDJSON, and the floor of the NDJSON's reads.
 */
export async function benchWhereUsedPaging(client: mongoose.mongo.MongoClient, env: NodeJS.ProcessEnv, dbName: string, boards: number, rounds: number, log: (s: string) => void): Promise<WhereUsedPagingFigures> {
  const db = client.db(dbName);
  log(`where-used: loading a reel in ${boards.toLocaleString('en-US')} boards`);
  await loadGraph(db, events(boards).map((e) => toMessage(e)));
  const levels = await levelsOf(db);
  const floorDocuments = levels.reduce((n, l) => n + Object.values(l).reduce((m, ids) => m + ids.length, 0), 0);
  const api = await startApiOn({ ...env, MONGO_DB: dbName });
  try {
    const base = `/v1/lots/${REEL}/where-used?limit=${PAGE}`;
    const farPage = Math.floor(boards / PAGE);
    let cursor: string | undefined;
    for (let p = 1; p < farPage; p++) {
      cursor = (JSON.parse((await get(api, `${base}${cursor ? `&cursor=${cursor}` : ''}`)).text) as { nextCursor?: string }).nextCursor;
      if (!cursor) throw new Error(`where-used: no cursor after page ${p} of ${farPage}`);
    }
    const farPath = cursor ? `${base}&cursor=${cursor}` : base;
    const rows = (await get(api, `/v1/lots/${REEL}/where-used?format=ndjson`)).text.trim().split('\n').length;
    if (rows !== boards) throw new Error(`where-used: ${rows} NDJSON rows for ${boards} boards`);
    await floorRead(db, levels);
    const samples = { first: [] as number[], far: [] as number[], ndjson: [] as number[], floor: [] as number[] };
    const time = async (into: number[], f: () => Promise<unknown>): Promise<void> => {
      const t0 = now();
      await f();
      into.push(now() - t0);
    };
    for (let r = 0; r < rounds; r++) {
      await time(samples.first, () => get(api, base));
      await time(samples.far, () => get(api, farPath));
      await time(samples.ndjson, () => get(api, `/v1/lots/${REEL}/where-used?format=ndjson`));
      await time(samples.floor, () => floorRead(db, levels));
    }
    return { rows, pageSize: PAGE, farPage, first: latencyOf(samples.first), far: latencyOf(samples.far), ndjson: latencyOf(samples.ndjson), floor: latencyOf(samples.floor), floorDocuments };
  } finally {
    await api.close();
    await db.dropDatabase();
  }
}
