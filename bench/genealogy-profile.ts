/**
 * `npx ts-node --transpile-only -r tsconfig-paths/register bench/genealogy-profile.ts [--rounds 20] [--out dir]
 * [--heap | --gc | --split]`: the API answering the ~5,000-node genealogy over HTTP, in process, on the quick data set,
 * looked into. By default a CPU profile (node:inspector): the top self-time functions, and <out>/genealogy.cpuprofile.
 * --heap: allocation by function (collected objects included); --gc: garbage collection by kind; --split: the
 * assembly's, the judgement's and JSON.stringify's CPU on one fetched graph, the judgement's reads answered from memory
 * (with --cpu, first a CPU profile of the judgement alone on answers assembled beforehand: <out>/judgement.cpuprofile).
 * Always <out>/bodies.json, the sha256 of each answer, to compare a change's answers byte for byte.
 */
import 'reflect-metadata';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Session } from 'node:inspector/promises';
import { PerformanceObserver, constants } from 'node:perf_hooks';
import mongoose from 'mongoose';
import { buildDataset, serialsNear } from './datasets';
import { SITE_WIDE, judgeWithReads } from '@trace/genealogy';
import { assembleGenealogy } from '@trace/genealogy/testing';
import { startApiOn } from './genealogy.bench';
import { loadGraph } from './graph-bulk';
import { startStandIn } from './standalone-section';

interface HeapNode { callFrame: { functionName: string; url: string; lineNumber: number }; selfSize: number; children: HeapNode[] }
interface Node { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount: number; children?: number[] }
interface Profile { nodes: Node[]; startTime: number; endTime: number; samples: number[] }

/** The top self-time functions of a CPU profile, each as a share and as milliseconds of the mean `ms` per `what`. */
function printTop(profile: Profile, ms: number, what: string): void {
  const total = profile.nodes.reduce((n, x) => n + x.hitCount, 0);
  const self = new Map<string, number>();
  for (const n of profile.nodes) {
    const k = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.replace(/^.*\/(node_modules|libs|apps)\//, '$1/')}:${n.callFrame.lineNumber + 1}`;
    self.set(k, (self.get(k) ?? 0) + n.hitCount);
  }
  console.log(`mean ${ms.toFixed(1)} ms per ${what}; samples ${total}`);
  for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 45)) console.log(`${((100 * v) / total).toFixed(1).padStart(5)}%  ${((v / total) * ms).toFixed(1).padStart(6)} ms  ${k}`);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const opt = (n: string): string | undefined => (args.includes(`--${n}`) ? args[args.indexOf(`--${n}`) + 1] : undefined);
  const rounds = Number(opt('rounds') ?? 20);
  const out = opt('out') ?? '/tmp/gen3';
  fs.mkdirSync(out, { recursive: true });
  const sets = [{ seed: 1, units: 30, partsPerBoard: 700, brands: 3 }, { seed: 5, units: 3, partsPerBoard: 2600, brands: 1 }].map((o, i) => buildDataset(`ab-${i + 1}`, o));
  const { stack, mongo } = await startStandIn('prof');
  const client = await new mongoose.mongo.MongoClient(mongo).connect();
  try {
    const db = client.db(`bench_prof_${Date.now()}`);
    await loadGraph(db, sets.flatMap((d) => d.messages));
    const serials = serialsNear(sets[1]!, 5_000, 3).map((t) => t.serial);
    const api = await startApiOn({ ...process.env, KAFKA_BROKERS: '127.0.0.1:9', MONGO_URL: mongo, MONGO_DB: db.databaseName, MONGO_WRITE_CONCERN: '1', RATE_LIMIT_EXPENSIVE: '1000000000' });
    const get = async (s: string): Promise<Buffer> => {
      const res = await fetch(`${api.url}/v1/serials/${encodeURIComponent(s)}/genealogy`, { headers: { authorization: `Bearer ${api.key}` } });
      const body = Buffer.from(await res.arrayBuffer());
      if (res.status !== 200) throw new Error(`${res.status}`);
      return body;
    };
    const bodies: Record<string, string> = {};
    for (const s of serials) {
      const b = await get(s);
      bodies[s] = createHash('sha256').update(b).digest('hex');
      fs.writeFileSync(path.join(out, `body-${serials.indexOf(s)}.json`), b);
    }
    fs.writeFileSync(path.join(out, 'bodies.json'), JSON.stringify(bodies, null, 1));
    for (let w = 0; w < 3; w++) for (const s of serials) await get(s);
    const session = new Session();
    session.connect();
    if (args.includes('--heap')) {
      await session.post('HeapProfiler.enable');
      await session.post('HeapProfiler.startSampling', { samplingInterval: 16_384, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
      for (let r = 0; r < rounds; r++) await get(serials[r % serials.length]!);
      const { profile: heap } = (await session.post('HeapProfiler.stopSampling')) as unknown as { profile: { head: HeapNode } };
      const self = new Map<string, number>();
      let total = 0;
      const walk = (n: HeapNode): void => {
        const size = n.selfSize;
        total += size;
        const k = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.replace(/^.*\/(node_modules|libs|apps)\//, '$1/')}:${n.callFrame.lineNumber + 1}`;
        self.set(k, (self.get(k) ?? 0) + size);
        n.children.forEach(walk);
      };
      walk(heap.head);
      console.log(`allocated ${(total / rounds / 1e6).toFixed(1)} MB per answer (sampled)`);
      for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 40)) console.log(`${((100 * v) / total).toFixed(1).padStart(5)}%  ${(v / rounds / 1e6).toFixed(2).padStart(6)} MB  ${k}`);
      await api.close();
      return;
    }
    if (args.includes('--split')) {
      // The assembly's and the judgement's own CPU, without the database: one fetched graph assembled again and again,
      // and judged with the judgement's reads answered from memory (recorded once from the database).
      const serial = serials[0]!;
      const graph = await api.graph.fetch(serial);
      const recorded = new Map<string, unknown>();
      const source = api.authority as unknown as Record<string, unknown>;
      const reader = new Proxy(source, {
        get(target, name) {
          const f = target[name as string];
          if (typeof f !== 'function') return f;
          return async (...a: unknown[]) => {
            const key = `${String(name)} ${JSON.stringify(a)}`;
            if (!recorded.has(key)) recorded.set(key, await (f as (...x: unknown[]) => Promise<unknown>).apply(target, a));
            return recorded.get(key);
          };
        },
      }) as unknown as typeof api.authority;
      await judgeWithReads(reader, assembleGenealogy(serial, graph), SITE_WIDE); // records the reads
      const t = { assemble: [] as number[], judge: [] as number[], json: [] as number[] };
      let digest = '';
      for (let r = 0; r < rounds; r++) {
        const t0 = performance.now();
        const g = assembleGenealogy(serial, graph);
        const t1 = performance.now();
        const judged = await judgeWithReads(reader, g, SITE_WIDE);
        const t2 = performance.now();
        const json = JSON.stringify(judged);
        t.assemble.push(t1 - t0);
        t.judge.push(t2 - t1);
        t.json.push(performance.now() - t2);
        digest = createHash('sha256').update(json).digest('hex');
      }
      if (args.includes('--cpu')) {
        // Only the judgement profiled: answers assembled beforehand, then judged one after the other under the profiler.
        const assembled = Array.from({ length: rounds }, () => assembleGenealogy(serial, graph));
        await session.post('Profiler.enable');
        await session.post('Profiler.setSamplingInterval', { interval: 200 });
        await session.post('Profiler.start');
        const t0 = performance.now();
        for (const g of assembled) await judgeWithReads(reader, g, SITE_WIDE);
        const ms = (performance.now() - t0) / rounds;
        const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: Profile };
        fs.writeFileSync(path.join(out, 'judgement.cpuprofile'), JSON.stringify(profile));
        printTop(profile, ms, 'judgement alone');
      }
      const med = (xs: number[]): string => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!.toFixed(1);
      console.log(`in process, ${rounds} rounds, medians: assembly ${med(t.assemble)} ms, judgement (reads from memory) ${med(t.judge)} ms, JSON.stringify ${med(t.json)} ms; answer sha256 ${digest.slice(0, 16)}`);
      await api.close();
      return;
    }
    if (args.includes('--gc')) {
      // Garbage collection by kind over the rounds (perf_hooks' gc entries): scavenges against mark-compacts.
      const byKind = new Map<number, { n: number; ms: number }>();
      const obs = new PerformanceObserver((list) => {
        for (const e of list.getEntries()) {
          const kind = (e as unknown as { detail: { kind: number } }).detail.kind;
          const k = byKind.get(kind) ?? { n: 0, ms: 0 };
          k.n++;
          k.ms += e.duration;
          byKind.set(kind, k);
        }
      });
      obs.observe({ entryTypes: ['gc'] });
      const t0 = performance.now();
      for (let r = 0; r < rounds; r++) await get(serials[r % serials.length]!);
      const ms = (performance.now() - t0) / rounds;
      await new Promise((r) => setTimeout(r, 100));
      obs.disconnect();
      const names: Record<number, string> = { [constants.NODE_PERFORMANCE_GC_MINOR]: 'scavenge', [constants.NODE_PERFORMANCE_GC_MAJOR]: 'mark-compact', [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental marking', [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak callbacks' };
      console.log(`mean ${ms.toFixed(1)} ms per answer over ${rounds}`);
      for (const [k, v] of byKind) console.log(`${names[k] ?? k}: ${(v.n / rounds).toFixed(1)} per answer, ${(v.ms / rounds).toFixed(1)} ms per answer (main thread pauses)`);
      await api.close();
      return;
    }
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 200 });
    await session.post('Profiler.start');
    const t0 = performance.now();
    for (let r = 0; r < rounds; r++) await get(serials[r % serials.length]!);
    const ms = (performance.now() - t0) / rounds;
    const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: Profile };
    fs.writeFileSync(path.join(out, 'genealogy.cpuprofile'), JSON.stringify(profile));
    printTop(profile, ms, 'answer');
    await api.close();
  } finally {
    await client.close();
    await stack.stop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
