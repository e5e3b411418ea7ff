import { INestApplication } from '@nestjs/common';
import { ApiKeysRepository } from '@trace/access';
import { AuthorityReader, BackwardTracer, SITE_WIDE, RetractionReader, UsageReader, judgeWithReads } from '@trace/genealogy';
import { AuthorityRepository, COLLECTIONS, FetchedGraph, GenealogyRepository, GraphFetcher, assembleGenealogy, authorityReaderFrom } from '@trace/genealogy/testing';
import mongoose from 'mongoose';
import { createApi } from '../apps/api/src/bootstrap';
import { hostOf, startDelayProxy } from './delay-proxy';
import { fmtMs } from './results';
import { Latency, latencyOf, now } from './stats';

type Db = mongoose.mongo.Db;
type Kind = 'units' | 'lots' | 'vendorLots' | 'vendors';
const KINDS: Kind[] = ['units', 'lots', 'vendorLots', 'vendors'];
type Level = Record<Kind, string[]>;
type Doc = Record<string, any>;

/** The API app on one database, with its graph reader, for timing from outside (HTTP) and inside (graph reads). */
export interface ApiUnderTest {
  app: INestApplication;
  url: string;
  /** A site-wide quality key (every /v1 route needs one), made in the API's database as the key CLI would. */
  key: string;
  /** The graph reads the genealogy route makes, without the assembly. */
  graph: GraphFetcher;
  /** The route's walk, assembly and brand judgement, in process. */
  tracer: BackwardTracer;
  /** The brand judgement's reads on the API's database (to record which it makes). */
  authority: AuthorityReader & UsageReader & RetractionReader;
  close(): Promise<void>;
}

export async function startApiOn(env: NodeJS.ProcessEnv): Promise<ApiUnderTest> {
  const { app } = await createApi({ ...env, API_PORT: '0', LOG_LEVEL: 'warn' });
  await app.listen(0, '127.0.0.1');
  const port = (app.getHttpServer().address() as { port: number }).port;
  const { key } = await app.get(ApiKeysRepository).create('quality', '*', 'bench');
  const nest = app as INestApplication;
  return {
    app: nest,
    url: `http://127.0.0.1:${port}`,
    key,
    graph: nest.get(GraphFetcher),
    tracer: nest.get(BackwardTracer),
    authority: authorityReaderFrom(nest.get(AuthorityRepository), nest.get(GenealogyRepository)),
    close: () => app.close(),
  };
}

// The neighbours the backward trace follows from each kind of document (as libs/genealogy/src/backward/graph-fetcher.ts).
function neighbours(kind: Kind, doc: Doc, visit: (kind: Kind, id: string) => void): void {
  const values = (m: unknown): Doc[] => (m && typeof m === 'object' ? Object.values(m as Doc) : []);
  if (kind === 'units') {
    for (const c of values(doc.children)) visit('units', c.childSerial);
    for (const i of values(doc.installs)) visit('lots', i.lotId);
  } else if (kind === 'lots') {
    for (const s of values(doc.sources)) for (const id of s.lotIds as string[]) visit('lots', id);
    for (const r of [...values(doc.receipts), ...(doc.receipt ? [doc.receipt] : [])]) {
      visit('vendorLots', r.vendorLotId);
      visit('vendors', r.vendorId);
    }
  } else if (kind === 'vendorLots') visit('vendors', doc.vendorId);
}

const emptyLevel = (): Level => ({ units: [], lots: [], vendorLots: [], vendors: [] });
const find = (db: Db, kind: Kind, ids: string[]): Promise<Doc[]> =>
  ids.length === 0 ? Promise.resolve([]) : db.collection(COLLECTIONS[kind]).find({ _id: { $in: ids as never[] } }).toArray();

/** The ids the trace reads at each level (untimed): what the floor fetches. */
export async function levelsOf(db: Db, serial: string): Promise<{ levels: Level[]; nodes: number }> {
  const seen: Record<Kind, Set<string>> = { units: new Set([serial]), lots: new Set(), vendorLots: new Set(), vendors: new Set() };
  const levels: Level[] = [];
  let frontier: Level = { ...emptyLevel(), units: [serial] };
  let nodes = 0;
  while (KINDS.some((k) => frontier[k].length > 0)) {
    levels.push(frontier);
    const next = emptyLevel();
    const fetched = await Promise.all(KINDS.map((k) => find(db, k, frontier[k])));
    KINDS.forEach((kind, i) => {
      nodes += fetched[i]!.length;
      for (const doc of fetched[i]!) {
        neighbours(kind, doc, (k, id) => {
          if (!seen[k].has(id)) {
            seen[k].add(id);
            next[k].push(id);
          }
        });
      }
    });
    frontier = next;
  }
  return { levels, nodes };
}

// The stand-in answers a long `$in` faster in chunks sent side by side than in one query; the floor takes the faster.
const FLOOR_CHUNK = 200;

/**
 * The floor: one wait for the database per level, ids known in advance, no processing: every kind of a level side by
 * side, each `$in` in chunks of 200 side by side too, with the raw driver.
 */
export async function floorTrace(db: Db, levels: Level[]): Promise<void> {
  for (const level of levels) {
    const reads: Promise<Doc[]>[] = [];
    for (const k of KINDS) for (let i = 0; i < level[k].length; i += FLOOR_CHUNK) reads.push(find(db, k, level[k].slice(i, i + FLOOR_CHUNK)));
    await Promise.all(reads);
  }
}

/** One round trip of the judgement: the reads it sends side by side. */
type JudgementRound = { collection: keyof typeof COLLECTIONS; ids: string[] }[];

const READ_COLLECTIONS: Record<Exclude<keyof (AuthorityReader & UsageReader & RetractionReader), 'anyRetraction'>, keyof typeof COLLECTIONS> = {
  findBrandParts: 'brandParts',
  findBrandApprovals: 'brandApprovals',
  findBrandDeviations: 'brandDeviations',
  findBrandBoms: 'brandBoms',
  findPartReceipts: 'partReceipts',
  findPartReceiptBuckets: 'partReceiptBuckets',
  findLots: 'lots',
  findLotBrandUseIndexes: 'lotBrandUseIndex',
  findLotBrandUses: 'lotBrandUses',
  findUnits: 'units',
  findRetractions: 'retractions',
};

/**
 * The judgement's round trips for one answer (untimed), as the judgement makes them for a site-wide key: reads started
 * before any earlier one returned were sent side by side, so they are one round trip.
 */
export async function judgementRoundsOf(api: ApiUnderTest, serial: string): Promise<JudgementRound[]> {
  const rounds: JudgementRound[] = [];
  let returned = 0;
  let roundAt = -1;
  const reader = Object.fromEntries([
    // The probe the API's view makes (not a read of facts): while no retraction exists, none is looked up, as in the API.
    ['anyRetraction', () => api.authority.anyRetraction?.() ?? Promise.resolve(true)],
    ...(Object.keys(READ_COLLECTIONS) as (keyof typeof READ_COLLECTIONS)[]).map((name) => [
      name,
      async (ids: string[]) => {
        if (roundAt !== returned || rounds.length === 0) rounds.push([]);
        roundAt = returned;
        rounds.at(-1)!.push({ collection: READ_COLLECTIONS[name], ids });
        const docs = await (api.authority[name] as (ids: string[]) => Promise<unknown[]>)(ids);
        returned++;
        return docs;
      },
    ]),
  ]) as unknown as AuthorityReader & UsageReader & RetractionReader;
  await judgeWithReads(reader, assembleGenealogy(serial, await api.graph.fetch(serial)), SITE_WIDE);
  return rounds;
}

/** The floor with the judgement: the walk's floor, then each judgement round trip's reads side by side, ids known in advance. */
export async function judgedFloorTrace(db: Db, levels: Level[], rounds: JudgementRound[]): Promise<void> {
  await floorTrace(db, levels);
  for (const round of rounds) {
    const reads: Promise<Doc[]>[] = [];
    for (const { collection, ids } of round) for (let i = 0; i < ids.length; i += FLOOR_CHUNK) reads.push(findIn(db, collection, ids.slice(i, i + FLOOR_CHUNK)));
    await Promise.all(reads);
  }
}

const findIn = (db: Db, collection: keyof typeof COLLECTIONS, ids: string[]): Promise<Doc[]> =>
  ids.length === 0 ? Promise.resolve([]) : db.collection(COLLECTIONS[collection]).find({ _id: { $in: ids as never[] } }).toArray();

/** The naive traversal: one query per node, each waiting for the previous (a client walking the graph node by node). */
export async function naiveTrace(db: Db, serial: string): Promise<number> {
  const seen = new Set<string>([`units\u0000${serial}`]);
  const queue: [Kind, string][] = [['units', serial]];
  let queries = 0;
  while (queue.length > 0) {
    const [kind, id] = queue.shift()!;
    const doc = await db.collection(COLLECTIONS[kind]).findOne({ _id: id as never });
    queries++;
    if (!doc) continue;
    neighbours(kind, doc, (k, childId) => {
      const key = `${k}\u0000${childId}`;
      if (!seen.has(key)) {
        seen.add(key);
        queue.push([k, childId]);
      }
    });
  }
  return queries;
}

/** GETs the genealogy over HTTP, reading the whole body; resolves with its size in bytes. */
export async function apiTrace(api: ApiUnderTest, serial: string): Promise<number> {
  const res = await fetch(`${api.url}/v1/serials/${encodeURIComponent(serial)}/genealogy`, { headers: { authorization: `Bearer ${api.key}` } });
  const body = await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`GET genealogy of ${serial}: ${res.status} ${Buffer.from(body).toString('utf8', 0, 200)}`);
  return body.byteLength;
}

export interface GenealogyFigures {
  serials: number;
  nodes: number;
  levels: number;
  api: Latency;
  /** The tracer's graph reads alone (GraphFetcher.fetch), in process: no assembly, no JSON, no HTTP. */
  fetch: Latency;
  /** Building the answer from the fetched documents (assembleGenealogy), in process. */
  assemble: Latency;
  /** JSON.stringify of the answer, in process. */
  serialize: Latency;
  floor: Latency;
  /** BackwardTracer.trace in process: the walk, the assembly and the brand judgement (what the route answers, before JSON). */
  judged: Latency;
  /** The floor, then the judgement's own reads (its round trips, ids known in advance). */
  judgedFloor: Latency;
  /** Round trips the judgement adds to an answer (median over the serials), and what they read. */
  judgementRoundTrips: number;
  judgementReads: string;
  naive: Latency;
  naiveQueries: number;
  /** Median size of the API's answer. */
  answerBytes: number;
}

/** Times the genealogy of each serial by every method, round-robin so noise spreads evenly over them. */
export async function benchGenealogy(db: Db, api: ApiUnderTest, serials: string[], rounds: { fast: number; naive: number }): Promise<GenealogyFigures> {
  const shapes = await Promise.all(serials.map((s) => levelsOf(db, s)));
  const judgement: JudgementRound[][] = [];
  for (const s of serials) judgement.push(await judgementRoundsOf(api, s));
  const samples = {
    api: [] as number[], fetch: [] as number[], floor: [] as number[], naive: [] as number[], assemble: [] as number[], serialize: [] as number[],
    judged: [] as number[], judgedFloor: [] as number[],
  };
  const time = async (into: number[], f: () => Promise<unknown>): Promise<void> => {
    const t0 = now();
    await f();
    into.push(now() - t0);
  };
  // Warm-up: one of each, untimed; the answer sizes on the way.
  const answerBytes: number[] = [];
  for (const s of serials) answerBytes.push(await apiTrace(api, s));
  await api.graph.fetch(serials[0]!);
  await floorTrace(db, shapes[0]!.levels);
  for (let r = 0; r < rounds.fast; r++) {
    const i = r % serials.length;
    await time(samples.api, () => apiTrace(api, serials[i]!));
    let fetched: FetchedGraph | undefined;
    await time(samples.fetch, async () => (fetched = await api.graph.fetch(serials[i]!)));
    let answer: unknown;
    await time(samples.assemble, async () => (answer = assembleGenealogy(serials[i]!, fetched!)));
    await time(samples.serialize, async () => JSON.stringify(answer));
    await time(samples.floor, () => floorTrace(db, shapes[i]!.levels));
    await time(samples.judged, () => api.tracer.trace(serials[i]!, SITE_WIDE));
    await time(samples.judgedFloor, () => judgedFloorTrace(db, shapes[i]!.levels, judgement[i]!));
  }
  let naiveQueries = 0;
  for (let r = 0; r < rounds.naive; r++) {
    const i = r % serials.length;
    await time(samples.naive, async () => (naiveQueries = await naiveTrace(db, serials[i]!)));
  }
  const mid = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  return {
    serials: serials.length,
    nodes: mid(shapes.map((s) => s.nodes)),
    levels: mid(shapes.map((s) => s.levels.length)),
    api: latencyOf(samples.api),
    fetch: latencyOf(samples.fetch),
    assemble: latencyOf(samples.assemble),
    serialize: latencyOf(samples.serialize),
    floor: latencyOf(samples.floor),
    judged: latencyOf(samples.judged),
    judgedFloor: latencyOf(samples.judgedFloor),
    judgementRoundTrips: mid(judgement.map((r) => r.length)),
    judgementReads: [...new Set(judgement.map((rounds) => rounds.map((r) => r.map((x) => `${x.collection}:${x.ids.length}`).join('+')).join(' | ')))].join(' ; '),
    naive: latencyOf(samples.naive),
    naiveQueries,
    answerBytes: mid(answerBytes),
  };
}

/**
 * The API's p50 told by its parts: the judged trace's graph reads, assembly and judgement (what the judged trace adds to
 * the two), JSON.stringify, and the rest (HTTP, the key guard, the access log, the bytes to the client). Each part is its
 * own p50, so the sum is near the API's p50, not equal to it.
 */
export function apiSplit(g: GenealogyFigures): { judgement: number; rest: number; row: string[] } {
  const judgement = g.judged.p50 - g.fetch.p50 - g.assemble.p50;
  const rest = g.api.p50 - g.judged.p50 - g.serialize.p50;
  const parts = [g.fetch.p50, g.assemble.p50, judgement, g.serialize.p50, rest].map(fmtMs).join(' + ');
  return { judgement, rest, row: ['(info) API p50 = reads + assemble + judgement + JSON + rest, ms', parts, 'rest: HTTP, guard, access log, transfer', '', '', ''] };
}

/** The genealogy measured with a network hop between the service and the database, and the hop's measured cost. */
export interface ProxiedGenealogyFigures {
  figures: GenealogyFigures;
  /** The delay the proxy adds in each direction, as asked. */
  delayMs: number;
  /** Median `ping` round trip through the proxy minus the direct one: what a round trip costs on this hop. */
  addedRoundTripMs: number;
  /** The proxy's CPU time over the section's wall time (1 = a whole core): what the hop costs the machine, not latency. */
  proxyCpuShare: number;
}

/**
 * Runs benchGenealogy with the API, the floor and the naive walk all reading through a delaying TCP proxy in front
 * of the database (delay-proxy.ts), so each round trip costs a network hop as in a deployment.
 */
export async function benchBehindProxy(
  mongoServer: string,
  dbName: string,
  env: NodeJS.ProcessEnv,
  serials: string[],
  delayMs: number,
  rounds: { fast: number; naive: number },
): Promise<ProxiedGenealogyFigures> {
  const proxy = await startDelayProxy(hostOf(mongoServer), delayMs);
  const proxiedUrl = `mongodb://127.0.0.1:${proxy.port}/`;
  const direct = await new mongoose.mongo.MongoClient(mongoServer).connect();
  const client = await new mongoose.mongo.MongoClient(proxiedUrl).connect();
  try {
    const pings = async (c: mongoose.mongo.MongoClient): Promise<number> => {
      const xs: number[] = [];
      for (let i = 0; i < 100; i++) {
        const t0 = now();
        await c.db('admin').command({ ping: 1 });
        xs.push(now() - t0);
      }
      return latencyOf(xs).p50;
    };
    const addedRoundTripMs = (await pings(client)) - (await pings(direct));
    const api = await startApiOn({ ...env, MONGO_URL: proxiedUrl, MONGO_DB: dbName });
    try {
      const [cpu0, t0] = [proxy.cpuMs(), now()];
      const figures = await benchGenealogy(client.db(dbName), api, serials, rounds);
      return { figures, delayMs, addedRoundTripMs, proxyCpuShare: (proxy.cpuMs() - cpu0) / (now() - t0) };
    } finally {
      await api.close();
    }
  } finally {
    await client.close();
    await direct.close();
    await proxy.close();
  }
}
