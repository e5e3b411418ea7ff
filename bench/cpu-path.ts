/**
 * The ingest's CPU path alone (parse, validate, map to graph writes, merge), in events per CPU-second of this process,
 * on the quick mode's first data set. For comparing two versions of the code side by side on a shared machine:
 *
 *   TS_NODE_PROJECT=bench/tsconfig.json node -r ts-node/register/transpile-only -r tsconfig-paths/register bench/cpu-path.ts [label]
 *
 * Run it alternately on both versions (git stash) and compare medians: a CPU-second rate moves far less with the other
 * sessions' load than a wall-clock one.
 */
import 'reflect-metadata';
import { parseEvent, toMessage } from '@trace/contracts';
import { graphWritesFor, mergeGraphWrites } from '@trace/genealogy';
import { shopFloorEvents } from '../apps/simulator/src/shop-floor';

const messages = [...shopFloorEvents({ seed: 1, units: 30, partsPerBoard: 700, brands: 3 })].map((e) => toMessage(e));
const values = messages.map((m) => ({ topic: m.topic, value: Buffer.from(m.value) }));
const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const BATCH = 2_000;
const rates: number[] = [];
for (let rep = 0; rep < 7; rep++) {
  const t0 = cpuMs();
  for (let i = 0; i < values.length; i += BATCH) {
    const positioned = values.slice(i, i + BATCH).flatMap((b, j) => {
      const r = parseEvent(b.value, b.topic);
      return r.ok ? [{ event: r.event, position: { topic: b.topic, partition: 0, offset: String(i + j) } }] : [];
    });
    mergeGraphWrites(positioned.flatMap(graphWritesFor));
  }
  rates.push(values.length / ((cpuMs() - t0) / 1000));
}
rates.sort((a, b) => a - b);
process.stdout.write(`${process.argv[2] ?? ''} CPU path: median ${Math.round(rates[3]!)} events per CPU-second over ${values.length} events (${rates.map(Math.round).join(', ')})\n`);
