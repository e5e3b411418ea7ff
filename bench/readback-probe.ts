/**
 * `npx ts-node --transpile-only -r tsconfig-paths/register bench/readback-probe.ts [--full]`: what the ingest's
 * read-back of units (applyGraphWrites' derived writes) costs on the ingest bench's data sets, batched as the ingest
 * batches them (per topic, in order, batches of 900): the documents and BSON bytes read back, split by whether the
 * batch started the unit (brandSet) or only installed material in it.
 */
import 'reflect-metadata';
import mongoose from 'mongoose';
import { BSON } from 'mongodb';
import { buildDataset } from './datasets';
import { bulkOpsFor, rawStore } from './graph-bulk';
import { applyGraphWrites } from '@trace/genealogy/testing';
import { startStandIn } from './standalone-section';

async function main(): Promise<void> {
  const full = process.argv.includes('--full');
  const sets = (full
    ? [{ seed: 1, units: 180, partsPerBoard: 700, brands: 3 }, { seed: 5, units: 8, partsPerBoard: 2600, brands: 1 }]
    : [{ seed: 1, units: 30, partsPerBoard: 700, brands: 3 }, { seed: 5, units: 3, partsPerBoard: 2600, brands: 1 }]
  ).map((o, i) => buildDataset(`probe-${i}`, o, false));
  const messages = sets.flatMap((d) => d.messages);
  const byTopic = new Map<string, typeof messages>();
  for (const m of messages) (byTopic.get(m.topic) ?? byTopic.set(m.topic, []).get(m.topic)!).push(m);
  const batches = [...byTopic].flatMap(([topic, ms]) => {
    const out = [];
    for (let i = 0; i < ms.length; i += 900) out.push(bulkOpsFor({ topic, partition: 0, messages: ms.slice(i, i + 900).map((m, j) => ({ offset: String(i + j), value: m.value })) }));
    return out;
  });
  const { stack, mongo } = await startStandIn('readback');
  const client = await new mongoose.mongo.MongoClient(mongo).connect();
  try {
    const db = client.db(`bench_readback_${Date.now()}`);
    const store = rawStore(db);
    const tally = { started: { docs: 0, bytes: 0 }, installedOnly: { docs: 0, bytes: 0 }, readMs: 0 };
    const t0 = performance.now();
    for (const batch of batches) {
      await applyGraphWrites(
        {
          ...store,
          readUnits: async (ids) => {
            const r0 = performance.now();
            const units = await store.readUnits(ids);
            tally.readMs += performance.now() - r0;
            for (const u of units) {
              const side = batch.needs.get(u._id)!.brandSet ? tally.started : tally.installedOnly;
              side.docs++;
              side.bytes += BSON.calculateObjectSize(u);
            }
            return units;
          },
        },
        batch,
      );
    }
    const ms = performance.now() - t0;
    console.log(`${messages.length} events in ${batches.length} batches: ${ms.toFixed(0)} ms in all, ${tally.readMs.toFixed(0)} ms reading units back`);
    console.log(`read back for a batch that started the unit: ${tally.started.docs} documents, ${(tally.started.bytes / 1e6).toFixed(1)} MB`);
    console.log(`read back for a batch that only installed in it: ${tally.installedOnly.docs} documents, ${(tally.installedOnly.bytes / 1e6).toFixed(1)} MB`);
  } finally {
    await client.close();
    await stack.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
