/**
 * `npx ts-node --transpile-only -r tsconfig-paths/register bench/fetch-floor.ts [--rounds 30] [--only 'a|b'] [--profile] [--dump f]`: the backward
 * walk's graph reads (GraphFetcher.fetch, in the API's process) against their floor (genealogy.bench.ts floorTrace) on
 * the quick data set's three ~5,000-node serials, interleaved round by round with variants of the floor that each add one
 * thing the fetch does: the API's own connection (its pool), mongoose's `find().lean()`, the fetch's projections, the
 * fetch's chunks, the walk's CPU. Then one fetch and one floor under command monitoring: finds, getMores and batch sizes per
 * level; each level's wait and the time until the next level's first read, unperturbed; FactView.learn of one graph; the walk
 * with its reads answered from memory. `--only` names the variants timed; `--profile`: a CPU profile of the fetch's rounds
 * and of the floor's, self time by function side by side; `--dump f`: one graph's documents as BSON. Writes
 * bench/results/<time>-<sha>-fetch-floor(-profile).json.
 */
import 'reflect-metadata';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { Session } from 'node:inspector/promises';
import { PerformanceObserver } from 'node:perf_hooks';
import mongoose from 'mongoose';
import { getConnectionToken } from '@nestjs/mongoose';
import type { RetractionReader } from '@trace/genealogy';
import { COLLECTIONS, FetchedGraph, GenealogyRepository, GraphFetcher, genealogyRepositoryOn } from '@trace/genealogy/testing';
import { buildDataset, serialsNear } from './datasets';
import { floorTrace, levelsOf, startApiOn } from './genealogy.bench';
import { loadGraph } from './graph-bulk';
import { commitInfo, machineInfo, writeResultFile } from './results';
import { startStandIn } from './standalone-section';
import { latencyOf, now } from './stats';

type Db = mongoose.mongo.Db;
type Kind = 'units' | 'lots' | 'vendorLots' | 'vendors';
const KINDS: Kind[] = ['units', 'lots', 'vendorLots', 'vendors'];
type Level = Record<Kind, string[]>;
type Doc = Record<string, unknown>;
const CHUNK = 200;
const PROJECTIONS: Partial<Record<Kind, Record<string, 0>>> = { lots: { derived: 0, derivedInline: 0, derivedBuckets: 0 }, vendors: { vendorLots: 0 } };

/** The floor, read with `find` (a raw driver or mongoose read of one chunk of one kind); `keep`: every document held to the end, as a fetch holds its graph. */
async function floorWith(levels: Level[], find: (kind: Kind, ids: string[]) => Promise<unknown[]>, keep = false): Promise<unknown[]> {
  const kept: unknown[] = [];
  for (const level of levels) {
    const reads: Promise<unknown[]>[] = [];
    for (const k of KINDS) for (let i = 0; i < level[k].length; i += CHUNK) reads.push(find(k, level[k].slice(i, i + CHUNK)));
    const docs = await Promise.all(reads);
    if (keep) kept.push(docs);
  }
  return kept;
}

const rawFind = (db: Db, opts: { projection?: boolean; batchSize?: number } = {}) => (kind: Kind, ids: string[]) =>
  db
    .collection(COLLECTIONS[kind])
    .find({ _id: { $in: ids as never[] } }, { ...(opts.projection && PROJECTIONS[kind] ? { projection: PROJECTIONS[kind] } : {}), ...(opts.batchSize ? { batchSize: opts.batchSize } : {}) })
    .toArray();

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const opt = (n: string): string | undefined => (args.includes(`--${n}`) ? args[args.indexOf(`--${n}`) + 1] : undefined);
  const rounds = Number(opt('rounds') ?? 30);
  const only = opt('only')?.split('|');
  const startedAt = new Date();
  const sets = [{ seed: 1, units: 30, partsPerBoard: 700, brands: 3 }, { seed: 5, units: 3, partsPerBoard: 2600, brands: 1 }].map((o, i) => buildDataset(`ab-${i + 1}`, o));
  const { stack, mongo } = await startStandIn('ff');
  const client = await new mongoose.mongo.MongoClient(mongo).connect();
  try {
    const db = client.db(`bench_ff_${Date.now()}`);
    await loadGraph(db, sets.flatMap((d) => d.messages));
    const serials = serialsNear(sets[1]!, 5_000, 3).map((t) => t.serial);
    const api = await startApiOn({ ...process.env, KAFKA_BROKERS: '127.0.0.1:9', MONGO_URL: mongo, MONGO_DB: db.databaseName, MONGO_WRITE_CONCERN: '1', RATE_LIMIT_EXPENSIVE: '1000000000' });
    try {
      const conn = api.app.get<mongoose.Connection>(getConnectionToken());
      const apiDb = conn.getClient().db(db.databaseName);
      // The API's own models of the four collections the walk reads (mongoose's `find().lean()`, as byIds).
      const modelOf = (collection: string): mongoose.Model<Doc> => conn.model<Doc>(conn.modelNames().find((n) => conn.model(n).collection.collectionName === collection)!);
      const models: Record<Kind, mongoose.Model<Doc>> = { units: modelOf(COLLECTIONS.units), lots: modelOf(COLLECTIONS.lots), vendorLots: modelOf(COLLECTIONS.vendorLots), vendors: modelOf(COLLECTIONS.vendors) };
      const shapes = await Promise.all(serials.map((s) => levelsOf(db, s)));
      console.log(`serials ${serials.length}, nodes ${shapes.map((s) => s.nodes).join(', ')}, levels ${shapes.map((s) => s.levels.length).join(', ')}`);
      console.log(`level sizes (first serial): ${shapes[0]!.levels.map((l) => KINDS.map((k) => l[k].length).join('/')).join(' | ')}`);
      const variants: Record<string, (i: number) => Promise<unknown>> = {
        fetch: (i) => api.graph.fetch(serials[i]!),
        floor: (i) => floorTrace(db, shapes[i]!.levels),
        'floor, API client': (i) => floorWith(shapes[i]!.levels, rawFind(apiDb)),
        'floor, API client, projections': (i) => floorWith(shapes[i]!.levels, rawFind(apiDb, { projection: true })),
        'floor, API client, batchSize 200': (i) => floorWith(shapes[i]!.levels, rawFind(apiDb, { batchSize: CHUNK })),
        'floor, mongoose lean': (i) => floorWith(shapes[i]!.levels, (k, ids) => models[k].find({ _id: { $in: ids } }).lean().exec()),
        'floor, mongoose lean, projections': (i) => floorWith(shapes[i]!.levels, (k, ids) => models[k].find({ _id: { $in: ids } }, PROJECTIONS[k]).lean().exec()),
        'floor, keeping the documents': (i) => floorWith(shapes[i]!.levels, rawFind(db), true),
        'floor, mongoose lean, projections, keeping': (i) => floorWith(shapes[i]!.levels, (k, ids) => models[k].find({ _id: { $in: ids } }, PROJECTIONS[k]).lean().exec(), true),
      };
      // The same walk on the raw driver: the repository's backward reads as `collection.find().toArray()`, chunked as byIds.
      const real = api.app.get(GenealogyRepository);
      const rawIds = (collection: string, chunk: number, projection?: Record<string, 0>) => async (ids: string[]): Promise<never[]> => {
        const parts: Promise<unknown[]>[] = [];
        for (let i = 0; i < ids.length; i += chunk) parts.push(apiDb.collection(collection).find({ _id: { $in: ids.slice(i, i + chunk) as never[] } }, projection ? { projection } : {}).toArray());
        return (await Promise.all(parts)).flat() as never[];
      };
      const rawRepo = Object.assign(Object.create(real) as GenealogyRepository, {
        findUnits: rawIds(COLLECTIONS.units, CHUNK),
        findLots: rawIds(COLLECTIONS.lots, CHUNK, PROJECTIONS.lots),
        findVendorLots: rawIds(COLLECTIONS.vendorLots, CHUNK),
        findVendors: rawIds(COLLECTIONS.vendors, CHUNK, PROJECTIONS.vendors),
        findRetractions: rawIds(COLLECTIONS.retractions, 1_000),
      });
      const rawFetcher = new GraphFetcher(rawRepo);
      variants['fetch, raw driver'] = (i) => rawFetcher.fetch(serials[i]!);
      const digestOf = (g: FetchedGraph): string => createHash('sha256').update(JSON.stringify([g.units, g.lots, g.vendorLots, g.vendors, g.roundTrips].map((m) => (m instanceof Map ? [...m] : m)))).digest('hex');
      for (const s of serials) if (digestOf(await rawFetcher.fetch(s)) !== digestOf(await api.graph.fetch(s))) throw new Error(`the raw driver's graph of ${s} differs`);
      if (args.includes('--profile')) {
        const load0 = os.loadavg()[0]!;
        const profile = await profileOf(variants, rounds, serials.length);
        const file = writeResultFile(startedAt, `${commitInfo().short}-fetch-floor-profile`, { commit: commitInfo(), machine: machineInfo(), startedAt: startedAt.toISOString(), rounds, load: [load0, os.loadavg()[0]!], serials, ...profile });
        console.log(`wrote ${file}`);
        return;
      }
      const names = Object.keys(variants).filter((n) => !only || only.some((o) => n === o));
      const samples = Object.fromEntries(names.map((n) => [n, [] as number[]]));
      const gc = Object.fromEntries(names.map((n) => [n, { n: 0, ms: 0 }]));
      const cpuOf = Object.fromEntries(names.map((n) => [n, [] as number[]]));
      let current: string | undefined;
      const obs = new PerformanceObserver((list) => {
        for (const e of list.getEntries()) {
          if (!current) continue;
          gc[current]!.n++;
          gc[current]!.ms += e.duration;
        }
      });
      for (let w = 0; w < 2; w++) for (const n of names) for (let i = 0; i < serials.length; i++) await variants[n]!(i);
      const load0 = os.loadavg()[0]!;
      obs.observe({ entryTypes: ['gc'] });
      for (let r = 0; r < rounds; r++) {
        const i = r % serials.length;
        // A rotating order, so no variant always follows the same one.
        for (let j = 0; j < names.length; j++) {
          const n = names[(j + r) % names.length]!;
          current = n;
          const c0 = process.cpuUsage();
          const t0 = now();
          await variants[n]!(i);
          samples[n]!.push(now() - t0);
          const c1 = process.cpuUsage(c0);
          cpuOf[n]!.push((c1.user + c1.system) / 1000);
          await new Promise((r) => setImmediate(r)); // the gc entries of this variant are delivered before the next starts
          await new Promise((r) => setImmediate(r));
        }
      }
      current = undefined;
      obs.disconnect();
      const load1 = os.loadavg()[0]!;
      const floor = latencyOf(samples.floor!).p50;
      const figures: Record<string, { p50: number; p99: number; overFloor: number; gcPerRun?: number; gcMsPerRun?: number; cpuMsPerRun?: number }> = {};
      for (const n of names) {
        const l = latencyOf(samples[n]!);
        const g = { gcPerRun: gc[n]!.n / rounds, gcMsPerRun: gc[n]!.ms / rounds, cpuMsPerRun: cpuOf[n]!.reduce((a, b) => a + b, 0) / rounds };
        figures[n] = { p50: l.p50, p99: l.p99, overFloor: l.p50 / floor, ...g };
        console.log(`${n.padEnd(44)} p50 ${l.p50.toFixed(1).padStart(7)} ms  p99 ${l.p99.toFixed(1).padStart(7)} ms  / floor ${(l.p50 / floor).toFixed(2)}  gc ${g.gcPerRun.toFixed(1)} pauses ${g.gcMsPerRun.toFixed(1)} ms  CPU ${g.cpuMsPerRun.toFixed(1)} ms`);
      }
      console.log(`${rounds} rounds, load ${load0.toFixed(1)} -> ${load1.toFixed(1)}`);
      // The walk's own CPU: the same fetch with every read answered from memory (recorded once from the database).
      const recorded = new Map<string, unknown>();
      const repo = api.app.get(GenealogyRepository) as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
      const memory = new Proxy(repo, {
        get(target, name) {
          const f = target[name as string];
          if (typeof f !== 'function') return f;
          return async (...a: unknown[]) => {
            const key = `${String(name)} ${JSON.stringify(a)}`;
            if (!recorded.has(key)) recorded.set(key, await f.apply(target, a));
            return recorded.get(key);
          };
        },
      }) as unknown as GenealogyRepository;
      const fromMemory = new GraphFetcher(memory);
      for (const s of serials) await fromMemory.fetch(s);
      const cpu: number[] = [];
      for (let r = 0; r < rounds; r++) {
        const t0 = now();
        await fromMemory.fetch(serials[r % serials.length]!);
        cpu.push(now() - t0);
      }
      figures['fetch, reads from memory (the walk\'s CPU)'] = { p50: latencyOf(cpu).p50, p99: latencyOf(cpu).p99, overFloor: latencyOf(cpu).p50 / floor };
      console.log(`fetch with reads from memory (the walk's CPU): p50 ${latencyOf(cpu).p50.toFixed(1)} ms`);
      // FactView's part of the walk: learning (noting, while no retraction exists) every document of one fetched graph, in a fresh view.
      {
        const g = await api.graph.fetch(serials[0]!);
        const docs = [...g.units.values(), ...g.lots.values(), ...g.vendorLots.values(), ...g.vendors.values()];
        const dump = opt('dump'); // the graph's documents as BSON, for looking into the walk's CPU offline
        if (dump) fs.writeFileSync(dump, Buffer.concat(docs.map((d) => mongoose.mongo.BSON.serialize(d))));
        const xs: number[] = [];
        // The walk's FactView class (not exported by the lib), from the graph's own view.
        const FactView = g.view!.constructor as new (r: RetractionReader) => { learn(d: readonly object[]): Promise<boolean>; looksUp(): Promise<boolean> };
        for (let r = 0; r < rounds; r++) {
          const view = new FactView({ findRetractions: async () => [], anyRetraction: async () => false });
          await view.looksUp();
          await new Promise((res) => setImmediate(res));
          const t0 = now();
          await view.learn(docs);
          xs.push(now() - t0);
        }
        figures['FactView.learn of one graph (no retraction)'] = { p50: latencyOf(xs).p50, p99: latencyOf(xs).p99, overFloor: latencyOf(xs).p50 / floor };
        console.log(`FactView.learn of one graph's ${docs.length} documents, no retraction: p50 ${latencyOf(xs).p50.toFixed(1)} ms`);
      }
      // Per level, unperturbed (no command monitoring): when each level's reads start and when the last of them returns,
      // for the fetch (the repository's calls) and the floor (its chunks), over the rounds; medians per level.
      const levelTimes = async (run: (mark: (start: number, end: number) => void) => Promise<unknown>): Promise<{ start: number; end: number }[]> => {
        const calls: { start: number; end: number }[] = [];
        const t0 = now();
        await run((start, end) => calls.push({ start: start - t0, end: end - t0 }));
        const total = now() - t0;
        const levels: { start: number; end: number }[] = [];
        for (const c of calls.sort((a, b) => a.start - b.start)) {
          const last = levels.at(-1);
          if (last && c.start < last.end) last.end = Math.max(last.end, c.end);
          else levels.push({ ...c });
        }
        levels.push({ start: total, end: total });
        return levels;
      };
      const timedRepo = (mark: (start: number, end: number) => void): GenealogyRepository =>
        new Proxy(real, {
          get(target, name) {
            const f = (target as unknown as Record<string, unknown>)[name as string];
            if (typeof f !== 'function' || !String(name).startsWith('find')) return typeof f === 'function' ? f.bind(target) : f;
            return async (...a: unknown[]) => {
              if (Array.isArray(a[0]) && a[0].length === 0) return [];
              const start = now();
              const r = await (f as (...x: unknown[]) => Promise<unknown>).apply(target, a);
              mark(start, now());
              return r;
            };
          },
        });
      const perLevel: Record<'fetch' | 'floor', { start: number; end: number }[][]> = { fetch: [], floor: [] };
      for (let r = 0; r < rounds; r++) {
        perLevel.fetch.push(await levelTimes((mark) => new GraphFetcher(timedRepo(mark)).fetch(serials[0]!)));
        perLevel.floor.push(await levelTimes((mark) => floorWith(shapes[0]!.levels, async (k, ids) => {
          const start = now();
          const x = await rawFind(db)(k, ids);
          mark(start, now());
          return x;
        })));
      }
      const med = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
      const levelTable: Record<string, { waitMs: number[]; gapAfterMs: number[] }> = {};
      for (const k of ['fetch', 'floor'] as const) {
        const n = Math.max(...perLevel[k].map((l) => l.length));
        const runs = perLevel[k].filter((l) => l.length === n);
        levelTable[k] = {
          waitMs: Array.from({ length: n - 1 }, (_, j) => +med(runs.map((l) => l[j]!.end - l[j]!.start)).toFixed(2)),
          gapAfterMs: Array.from({ length: n - 1 }, (_, j) => +med(runs.map((l) => l[j + 1]!.start - l[j]!.end)).toFixed(2)),
        };
        console.log(`${k} per level (${runs.length} of ${perLevel[k].length} runs with ${n - 1} levels): wait ${levelTable[k].waitMs.join(' ')} ms; then until the next level's first read ${levelTable[k].gapAfterMs.join(' ')} ms`);
      }
      // A connection of its own with command monitoring, for the timeline of one fetch.
      const monitored = await mongoose.createConnection(`${mongo}?monitorCommands=true`, { dbName: db.databaseName, autoIndex: false, autoCreate: false }).asPromise();
      const watched = new GraphFetcher(genealogyRepositoryOn(monitored));
      const watcher = await new mongoose.mongo.MongoClient(mongo, { monitorCommands: true }).connect();
      const timeline = await commandTimeline(monitored.getClient(), watcher, watcher.db(db.databaseName), watched, serials[0]!, shapes[0]!.levels);
      await watcher.close();
      await monitored.close();
      const file = writeResultFile(startedAt, `${commitInfo().short}-fetch-floor`, { commit: commitInfo(), machine: machineInfo(), startedAt: startedAt.toISOString(), rounds, load: [load0, load1], serials, nodes: shapes.map((s) => s.nodes), figures, levels: levelTable, timeline });
      console.log(`wrote ${file}`);
    } finally {
      await api.close();
    }
  } finally {
    await client.close();
    await stack.stop();
  }
}

interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount: number }

/** A CPU profile of the fetch's rounds and of the floor's (node:inspector), side by side: self time by function, in ms per run. */
async function profileOf(variants: Record<string, (i: number) => Promise<unknown>>, rounds: number, serials: number): Promise<{ runs: unknown[]; selfMs: unknown[] }> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  const tables: Record<string, Map<string, number>> = {};
  const runs: unknown[] = [];
  for (const name of ['fetch', 'floor', 'fetch', 'floor']) {
    await session.post('Profiler.start');
    const t0 = now();
    for (let r = 0; r < rounds; r++) await variants[name]!(r % serials);
    const ms = (now() - t0) / rounds;
    const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: { nodes: ProfileNode[] } };
    const total = profile.nodes.reduce((n, x) => n + x.hitCount, 0);
    const idle = profile.nodes.filter((n) => n.callFrame.functionName === '(idle)').reduce((n, x) => n + x.hitCount, 0);
    const self = (tables[name] ??= new Map());
    for (const n of profile.nodes) {
      const where = n.callFrame.url.replace(/^.*\/(node_modules|libs|apps|bench)\//, '$1/');
      const k = `${n.callFrame.functionName || '(anon)'} ${where.replace(/^node_modules\/([^/]+(\/[^/]+)?)\/.*$/, '$1')}`;
      self.set(k, (self.get(k) ?? 0) + ((n.hitCount / total) * ms) / 2);
    }
    runs.push({ name, msPerRun: +ms.toFixed(1), busyMsPerRun: +(((total - idle) / total) * ms).toFixed(1) });
    console.log(`${name}: ${ms.toFixed(1)} ms a run, busy ${(((total - idle) / total) * ms).toFixed(1)} ms`);
  }
  const keys = new Set([...tables.fetch!.keys(), ...tables.floor!.keys()]);
  const rows = [...keys].map((k) => [k, tables.fetch!.get(k) ?? 0, tables.floor!.get(k) ?? 0] as const).sort((a, b) => Math.abs(b[1] - b[2]) - Math.abs(a[1] - a[2]));
  console.log('self time, ms a run: fetch, floor, difference (largest differences first)');
  for (const [k, a, b] of rows.slice(0, 40)) console.log(`${a.toFixed(1).padStart(7)} ${b.toFixed(1).padStart(7)} ${(a - b).toFixed(1).padStart(7)}  ${k}`);
  return { runs, selfMs: rows.slice(0, 40).map(([fn, fetch, floor]) => ({ fn, fetch: +fetch.toFixed(2), floor: +floor.toFixed(2) })) };
}

interface Cmd { name: string; collection: string; ids: number; docs: number; start: number; end: number }

/**
 * One fetch and one floor of `serial` under command monitoring: each command's kind, collection, ids asked, documents
 * returned in its batch, start and end; grouped into the walk's round trips (commands started before any earlier one
 * of another round ended belong to one round).
 */
async function commandTimeline(apiClient: mongoose.mongo.MongoClient, benchClient: mongoose.mongo.MongoClient, db: Db, fetcher: GraphFetcher, serial: string, levels: Level[]): Promise<unknown> {
  const record = (c: mongoose.mongo.MongoClient): { cmds: Cmd[]; stop: () => void } => {
    const cmds: Cmd[] = [];
    const open = new Map<number, Cmd>();
    const onStart = (e: mongoose.mongo.CommandStartedEvent): void => {
      const cmd = e.command as Record<string, any>;
      const x: Cmd = { name: e.commandName, collection: String(cmd[e.commandName] ?? cmd.collection ?? ''), ids: cmd.filter?._id?.$in?.length ?? 0, docs: 0, start: now(), end: 0 };
      open.set(e.requestId, x);
      cmds.push(x);
    };
    const onEnd = (e: mongoose.mongo.CommandSucceededEvent): void => {
      const x = open.get(e.requestId);
      if (!x) return;
      x.end = now();
      const cur = (e.reply as Record<string, any>).cursor;
      x.docs = (cur?.firstBatch ?? cur?.nextBatch ?? []).length;
    };
    c.on('commandStarted', onStart);
    c.on('commandSucceeded', onEnd);
    return { cmds, stop: () => (c.off('commandStarted', onStart), c.off('commandSucceeded', onEnd)) };
  };
  const summary = (cmds: Cmd[], t0: number, t1: number): unknown => {
    const rounds: Cmd[][] = [];
    for (const c of cmds) {
      const last = rounds.at(-1);
      if (last && c.start < Math.max(...last.map((x) => x.end))) last.push(c);
      else rounds.push([c]);
    }
    let prevEnd = t0;
    const rows = rounds.map((r) => {
      const start = Math.min(...r.map((x) => x.start));
      const end = Math.max(...r.map((x) => x.end));
      const byName: Record<string, number> = {};
      for (const c of r) byName[c.name] = (byName[c.name] ?? 0) + 1;
      const row = {
        gapBeforeMs: +(start - prevEnd).toFixed(2),
        sendMs: +(Math.max(...r.map((x) => x.start)) - start).toFixed(2),
        waitMs: +(end - start).toFixed(2),
        commands: byName,
        collections: [...new Set(r.map((c) => c.collection))].join(','),
        ids: r.reduce((n, c) => n + c.ids, 0),
        docs: r.reduce((n, c) => n + c.docs, 0),
      };
      prevEnd = end;
      return row;
    });
    return { totalMs: +(t1 - t0).toFixed(2), tailMs: +(t1 - prevEnd).toFixed(2), rounds: rows };
  };
  const out: Record<string, unknown> = {};
  for (const [name, c, f] of [
    ['fetch', apiClient, () => fetcher.fetch(serial)],
    ['floor', benchClient, () => floorTrace(db, levels)],
  ] as const) {
    await f(); // warm
    const rec = record(c);
    const t0 = now();
    await f();
    const t1 = now();
    rec.stop();
    out[name] = summary(rec.cmds, t0, t1);
    console.log(`${name}: ${JSON.stringify(out[name])}`);
  }
  return out;
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
