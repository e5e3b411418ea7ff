// The stand-in's compact store (MongoLauncher.java's CompactBackend: each document held as its BSON bytes) answers
// exactly as the memory backend it is built from: one script of the writes and reads this project makes (and the
// failures it relies on: a refused update by index, a duplicate key) run on a server of each, every answer compared.
// The scale bench (bench:scale --backend compact) and STACK_MONGO_BACKEND=compact rely on it.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import mongoose from 'mongoose';
import { disposableMongo, type DisposableMongo } from '../support/disposable-mongo';

const { MongoClient, Binary, Long, Double, ObjectId } = mongoose.mongo;
type Db = mongoose.mongo.Db;
type Doc = { _id: string; [field: string]: unknown };

/** What an operation answered, or the error it failed with (name, code, the indexes of its write errors). */
async function outcome(op: () => Promise<unknown>): Promise<unknown> {
  try {
    return { ok: await op() };
  } catch (error) {
    const e = error as { name?: string; code?: number; writeErrors?: { index: number; code: number }[] };
    return { failed: { name: e.name, code: e.code, writeErrors: e.writeErrors?.map((w) => ({ index: w.index, code: w.code })) } };
  }
}

const unit = (i: number) => ({
  _id: `U-${i}`,
  brand: i % 2 ? 'Acme' : 'Globex',
  at: new Date(Date.UTC(2026, 10, 1, 8, i)),
  n: { int: i, double: new Double(i + 0.5), long: Long.fromNumber(2 ** 40 + i) },
  tags: ['a', `t-${i}`, 'ä€𝄞'],
  bin: new Binary(Buffer.from([i, 255, 0])),
  oid: new ObjectId(`65a000000000000000000${String(i).padStart(3, '0')}`),
  none: null,
  yes: i % 3 === 0,
  installs: { [`e${i}`]: { lotId: `L-${i}`, prov: `ev-${i}|src|t|0|${i}` } },
});

/** The script: every answer in order. */
async function script(db: Db): Promise<unknown[]> {
  const units = db.collection<Doc>('units');
  const out: unknown[] = [];
  const all = () => units.find({}).sort({ _id: 1 }).toArray();
  out.push(await outcome(() => units.insertMany(Array.from({ length: 30 }, (_, i) => unit(i)), { ordered: false }).then((r) => r.insertedCount)));
  // Upserts of dotted paths (new and existing documents), a capped $push keyed by k, an $unset, and in the middle an
  // update the server refuses (a field under a string): unordered, so the others apply and the error names its index.
  await units.updateOne({ _id: 'U-7' }, { $set: { installs: 'not an object' } });
  out.push(
    await outcome(() =>
      units
        .bulkWrite(
          [
            { updateOne: { filter: { _id: 'U-1' }, update: { $set: { 'installs.e100.lotId': 'L-100', 'starts.s1.brand': 'Acme' } }, upsert: true } },
            { updateOne: { filter: { _id: 'U-7' }, update: { $set: { 'installs.e7.lotId': 'refused' } }, upsert: true } },
            { updateOne: { filter: { _id: 'NEW-1' }, update: { $set: { 'installs.e1.lotId': 'L-1', brand: 'Acme' } }, upsert: true } },
            { updateOne: { filter: { _id: 'U-2' as never, 'derived.k': { $ne: 'b' } }, update: { $push: { derived: { $each: [{ k: 'b' }], $sort: { k: 1 }, $slice: 2 } } as never } } },
            { updateOne: { filter: { _id: 'U-2' as never, 'derived.k': { $ne: 'a' } }, update: { $push: { derived: { $each: [{ k: 'a' }], $sort: { k: 1 }, $slice: 2 } } as never } } },
            { updateOne: { filter: { _id: 'U-2' as never, 'derived.k': { $ne: 'c' } }, update: { $push: { derived: { $each: [{ k: 'c' }], $sort: { k: 1 }, $slice: 2 } } as never } } },
            { updateOne: { filter: { _id: 'U-3' }, update: { $unset: { tags: '' }, $inc: { 'n.int': 5 } as never } } },
          ],
          { ordered: false },
        )
        .then((r) => ({ matched: r.matchedCount, modified: r.modifiedCount, upserted: r.upsertedCount })),
    ),
  );
  out.push(await all());
  // Deletes, then inserts that reuse the freed positions; natural order and its reverse.
  out.push(await outcome(() => units.deleteMany({ brand: 'Globex', yes: true }).then((r) => r.deletedCount)));
  out.push(await outcome(() => units.insertMany([unit(100), unit(101)]).then((r) => r.insertedCount)));
  out.push(await units.find({}, { projection: { _id: 1 } }).toArray());
  out.push(await units.find({}, { projection: { _id: 1 } }).sort({ $natural: -1 }).toArray());
  // Reads by _id $in with projections (inclusion, exclusion, dotted), counts, distinct, a group, batches with getMore.
  const ids = ['U-1', 'U-2', 'U-3', 'U-4', 'U-7', 'NEW-1', 'missing'];
  out.push(await units.find({ _id: { $in: ids } }, { projection: { brand: 1, 'installs.e1': 1, derived: 1 } }).sort({ _id: 1 }).toArray());
  out.push(await units.find({ _id: { $in: ids } }, { projection: { installs: 0, bin: 0 } }).sort({ _id: 1 }).toArray());
  out.push(await units.countDocuments({ brand: 'Acme' }), await units.estimatedDocumentCount(), (await units.distinct('brand')).sort());
  out.push(await units.aggregate([{ $group: { _id: '$brand', n: { $sum: 1 } } }, { $sort: { _id: 1 } }]).toArray());
  out.push((await units.find({}, { batchSize: 4 }).sort({ _id: 1 }).toArray()).map((d) => d._id));
  // A unique index of another field, and the duplicate it refuses; a replace; a findOneAndUpdate.
  await db.collection<Doc>('lots').createIndex({ code: 1 }, { unique: true });
  out.push(await outcome(() => db.collection<Doc>('lots').insertMany([{ _id: 'a', code: 1 }, { _id: 'b', code: 1 }], { ordered: true })));
  out.push(await outcome(() => units.replaceOne({ _id: 'U-4' }, { brand: 'Initech', replaced: true })));
  out.push(await outcome(() => units.findOneAndUpdate({ _id: 'U-5' }, { $set: { 'n.int': -1 } }, { returnDocument: 'after' })));
  out.push(await all(), await db.collection<Doc>('lots').find({}).toArray());
  // The _id index under load: thousands of string keys (the table grows), a third deleted (runs shifted back), some
  // inserted again; keys that are not one Latin-1 string (a number, a document, characters above U+00FF); duplicates of
  // each kind refused; reads by $in, by equality and by a regular expression on _id.
  const keyed = db.collection<{ _id: unknown; i: number }>('keyed');
  const n = 5000;
  await keyed.insertMany(Array.from({ length: n }, (_, i) => ({ _id: `unit:Acme:SN-${i}`, i })));
  out.push(await outcome(() => keyed.deleteMany({ i: { $mod: [3, 0] } }).then((r) => r.deletedCount)));
  await keyed.insertMany(Array.from({ length: n / 10 }, (_, k) => ({ _id: `unit:Acme:SN-${k * 30}`, i: -k })));
  const odd: { _id: unknown; i: number }[] = [{ _id: 7, i: 1 }, { _id: { a: 1 }, i: 2 }, { _id: 'Zählwerk-ä', i: 3 }, { _id: 'µ-€-𝄞', i: 4 }, { _id: '', i: 5 }];
  await keyed.insertMany(odd);
  const duplicates: unknown[] = [];
  for (const dup of [{ _id: 'unit:Acme:SN-1', i: 0 }, { _id: 'unit:Acme:SN-30', i: 0 }, ...odd]) duplicates.push(await outcome(() => keyed.insertOne(dup)));
  out.push({ duplicates });
  out.push(await outcome(() => keyed.insertOne({ _id: 'unit:Acme:SN-3', i: 3 }).then((r) => r.insertedId)));
  const asked = [...Array.from({ length: 600 }, (_, k) => `unit:Acme:SN-${k * 7}`), 7, 7.0, { a: 1 }, 'Zählwerk-ä', 'µ-€-𝄞', '', 'missing'];
  out.push(await keyed.find({ _id: { $in: asked as never[] } }).sort({ i: 1 }).toArray());
  out.push(await Promise.all(['unit:Acme:SN-4999', 'unit:Acme:SN-4998', 'µ-€-𝄞', 'Zählwerk-ä'].map((id) => keyed.findOne({ _id: id as never }))));
  out.push(await keyed.find({ _id: /^unit:Acme:SN-49[0-9]$|ä|€/ as never }).sort({ i: 1 }).toArray());
  out.push(await keyed.countDocuments({}), await keyed.estimatedDocumentCount());
  return out;
}

describe('the stand-in\'s compact store', () => {
  const servers: DisposableMongo[] = [];
  const clients: InstanceType<typeof MongoClient>[] = [];
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await Promise.all(servers.map((s) => s.dispose()));
  });

  it('answers every write and read of the script exactly as the memory backend', async () => {
    const lib = join(__dirname, '..', '..', '.stack', 'lib');
    if (!existsSync(lib) || !readdirSync(lib).some((f) => f.startsWith('mongo-java-server'))) {
      throw new Error('the compact store is the local stand-in\'s: its jars are not in .stack/lib (run npm run stack:setup)');
    }
    const answers: unknown[][] = [];
    for (const store of ['memory', 'compact'] as const) {
      const server = await disposableMongo(store);
      servers.push(server);
      const client = await new MongoClient(server.url).connect();
      clients.push(client);
      answers.push(await script(client.db('compact_store_spec')));
    }
    // The script did what it says on the memory backend: the refused update named by its index, the capped list capped.
    expect(answers[0]![1]).toEqual({ failed: { name: 'MongoBulkWriteError', code: 28, writeErrors: [{ index: 1, code: 28 }] } });
    expect((answers[0]![2] as { _id: string; derived?: unknown }[]).find((d) => d._id === 'U-2')?.derived).toEqual([{ k: 'a' }, { k: 'b' }]);
    const duplicates = answers[0]!.find((a): a is { duplicates: unknown[] } => typeof a === 'object' && a !== null && 'duplicates' in a)!.duplicates;
    expect(duplicates).toEqual(Array(7).fill({ failed: { name: 'MongoServerError', code: 11000, writeErrors: undefined } }));
    expect(answers[1]).toEqual(answers[0]);
  }, 120_000);

  // An aggregation (countDocuments is one) reads the whole collection: one document decoded at a time, not the whole
  // collection decoded into a list first (about 7 times its BSON; the scale bench's count at ten million needed more
  // than 14 GiB). 40 MB of BSON fits a 160 MiB heap; decoded at once it does not.
  it('counts and groups a collection that, decoded whole, would not fit its heap', async () => {
    const server = await disposableMongo('compact', { heap: '160m' });
    servers.push(server);
    const client = await new MongoClient(server.url).connect();
    clients.push(client);
    const wide = client.db('compact_store_spec').collection<Doc>('wide');
    const fields = Object.fromEntries(Array.from({ length: 50 }, (_, f) => [`f${f}`, `v${f}`]));
    const n = 50_000;
    for (let i = 0; i < n; i += 5_000) {
      await wide.insertMany(Array.from({ length: 5_000 }, (_, k) => ({ _id: `W-${i + k}`, g: (i + k) % 3, ...fields })), { ordered: false });
    }
    expect(await wide.countDocuments({})).toBe(n);
    expect(await wide.aggregate([{ $group: { _id: '$g', n: { $sum: 1 } } }, { $sort: { _id: 1 } }]).toArray()).toEqual([
      { _id: 0, n: 16_667 },
      { _id: 1, n: 16_667 },
      { _id: 2, n: 16_666 },
    ]);
  }, 120_000);
});
