/**
 * `npx ts-node --transpile-only -r tsconfig-paths/register bench/bson-layout-probe.ts [--rounds 7] [--facts 25] [--docs 400]`:
 * what the stored layout of a fact costs to decode, without a database. Builds unit documents as the ingest stores
 * them (installations keyed by factKey, each with its time and provenance, provenanceOf), then the same documents with
 * one thing changed: fact keys of 20 characters (bson decodes a key of 20 bytes or fewer on a fast path), the provenance
 * as an array of its seven values, or as one string (decoded, then split back into the object the readers use). Each
 * round decodes every layout once, the order turning round by round; prints the median per layout against today's and
 * writes bench/results/<timestamp>-bson-layout-probe.json. The question it answers: how much of the decoding the
 * genealogy spends (a third of its CPU, see bench/README.md) a change of the stored layout could save.
 */
import { randomUUID } from 'node:crypto';
import { BSON } from 'bson';
import { factKey, provenanceOf, type Provenance } from '@trace/genealogy/testing';
import { commitInfo, machineInfo, renderTable, writeResultFile } from './results';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const rounds = arg('rounds', 7);
const factsPerDoc = arg('facts', 25);
const docs = arg('docs', 400);
const nowMs = (): number => Number(process.hrtime.bigint()) / 1e6;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const SEP = '\u0001';
type Layout = 'today' | 'short keys' | 'provenance array' | 'provenance string';
const LAYOUTS: Layout[] = ['today', 'short keys', 'provenance array', 'provenance string'];

const provValues = (p: Provenance): unknown[] => [p.eventId, p.type, p.source, p.occurredAt, p.topic, p.partition, p.offset];

function unitDoc(layout: Layout, serial: string): Record<string, unknown> {
  const installs: Record<string, unknown> = {};
  for (let i = 0; i < factsPerDoc; i++) {
    const eventId = randomUUID();
    const occurredAt = new Date(Date.UTC(2026, 10, 1, 8, 0, i)).toISOString();
    const prov = provenanceOf({ eventId, type: 'MaterialInstalled', source: 'line-3/smt-2', occurredAt }, { topic: 'trace.production', partition: i % 6, offset: String(1_000_000 + i) });
    const key = layout === 'short keys' ? factKey(eventId).slice(0, 20) : factKey(eventId);
    const stored = layout === 'provenance array' ? provValues(prov) : layout === 'provenance string' ? provValues(prov).join(SEP) : prov;
    installs[key] = { lotId: `LOT-${serial}-${i}`, quantity: 1, refDes: [`R${i}`], bomPartNumber: `IPN-${1000 + (i % 50)}`, at: new Date(occurredAt), prov: stored };
  }
  return { _id: serial, starts: {}, installs };
}

// The readers take a Provenance object: a stored string is split back into one, as a repository would on read.
function provFromString(s: string): Provenance {
  const [eventId, type, source, occurredAt, topic, partition, offset] = s.split(SEP);
  return { eventId: eventId!, type: type as Provenance['type'], source: source!, occurredAt: occurredAt!, topic: topic!, partition: Number(partition), offset: offset! };
}

function decode(layout: Layout, buf: Uint8Array): unknown {
  const doc = BSON.deserialize(buf) as { installs: Record<string, { prov: unknown }> };
  if (layout === 'provenance string') for (const f of Object.values(doc.installs)) f.prov = provFromString(f.prov as string);
  return doc;
}

function main(): void {
  const startedAt = new Date();
  const buffers = new Map(LAYOUTS.map((l) => [l, Array.from({ length: docs }, (_, d) => BSON.serialize(unitDoc(l, `SN-${d}`)))]));
  const times = new Map(LAYOUTS.map((l) => [l, [] as number[]]));
  for (const l of LAYOUTS) for (const b of buffers.get(l)!) decode(l, b); // warm-up
  for (let r = 0; r < rounds; r++) {
    const order = LAYOUTS.map((_, i) => LAYOUTS[(i + r) % LAYOUTS.length]!);
    for (const l of order) {
      const t0 = nowMs();
      for (let rep = 0; rep < 5; rep++) for (const b of buffers.get(l)!) decode(l, b);
      times.get(l)!.push(nowMs() - t0);
    }
  }
  const today = median(times.get('today')!);
  const bytesOf = (l: Layout): number => buffers.get(l)!.reduce((n, b) => n + b.length, 0);
  const rows = LAYOUTS.map((l) => {
    const ms = median(times.get(l)!);
    return { layout: l, ms, overToday: ms / today, bytes: bytesOf(l), bytesOverToday: bytesOf(l) / bytesOf('today') };
  });
  const table = renderTable(
    ['layout', `decode p50 ms (${docs} docs x 5, ${factsPerDoc} facts each)`, '/ today', 'BSON bytes', '/ today'],
    rows.map((x) => [x.layout, x.ms.toFixed(1), x.overToday.toFixed(2), x.bytes.toLocaleString('en-US'), x.bytesOverToday.toFixed(2)]),
  );
  console.log(table);
  const file = writeResultFile(startedAt, 'bson-layout-probe', { startedAt: startedAt.toISOString(), commit: commitInfo(), machine: machineInfo(), rounds, factsPerDoc, docs, rows, table });
  console.log(`written ${file}`);
}

main();
