/**
 * `npm run bench:scale -- --verify-loader --installations 10000,36000`: the bulk loader (bench/scale-load.ts) must
 * write the database the ingest's own writes write. Per size, both loaders write a database of their own in one
 * stand-in; then every collection of either is compared, document by document.
 *
 * Canonical form of a document: its extended JSON with every BSON type kept (`EJSON`, canonical mode: an int32 is not
 * a double, a date is not a string), object members sorted by name at every level, arrays in their stored order. Only
 * the order of an object's members is left out: it is the order the writes arrived in (upserts add fields as they
 * come), which is not part of the graph and which no reader depends on.
 */
import { canonicalDocument } from '@trace/genealogy';
import mongoose from 'mongoose';
import { LoadOptions, Loader, load } from './scale-load';
import type { Shape } from './scale-shape';

type Db = mongoose.mongo.Db;

/** A document in canonical form (see above). */
export const canonicalForm = (doc: unknown): string => canonicalDocument(JSON.parse(mongoose.mongo.BSON.EJSON.stringify(doc, { relaxed: false })));

export interface LoaderVerdict {
  installations: number;
  collections: number;
  documents: number;
  seconds: Record<Loader, number>;
  /** Collections or documents that are not the same (at most 20), empty when the two databases are equal. */
  differences: string[];
}

/** Every collection of `a` and `b` compared document by document; the first `limit` differences. */
export async function databaseDifferences(a: Db, b: Db, limit = 20): Promise<{ collections: number; documents: number; differences: string[] }> {
  const names = async (db: Db): Promise<string[]> => (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
  const [na, nb] = await Promise.all([names(a), names(b)]);
  const differences: string[] = [];
  for (const n of na.filter((x) => !nb.includes(x))) differences.push(`collection ${n} only in ${a.databaseName}`);
  for (const n of nb.filter((x) => !na.includes(x))) differences.push(`collection ${n} only in ${b.databaseName}`);
  let documents = 0;
  const common = na.filter((x) => nb.includes(x)).sort();
  for (const name of common) {
    const [da, db] = await Promise.all(
      [a, b].map(async (d) => new Map((await d.collection(name).find({}).toArray()).map((x) => [mongoose.mongo.BSON.EJSON.stringify(x._id, { relaxed: false }), canonicalForm(x)] as const))),
    );
    documents += da!.size;
    if (da!.size !== db!.size) differences.push(`${name}: ${da!.size} documents in ${a.databaseName}, ${db!.size} in ${b.databaseName}`);
    for (const [id, doc] of da!) {
      if (differences.length >= limit) break;
      const other = db!.get(id);
      if (other === undefined) differences.push(`${name} ${id}: only in ${a.databaseName}`);
      else if (other !== doc) differences.push(`${name} ${id}: ${firstDifference(doc, other)}`);
    }
    for (const id of db!.keys()) if (differences.length < limit && !da!.has(id)) differences.push(`${name} ${id}: only in ${b.databaseName}`);
  }
  return { collections: common.length, documents, differences };
}

/** Where two canonical texts part, with some context. */
function firstDifference(x: string, y: string): string {
  let i = 0;
  while (i < x.length && x[i] === y[i]) i++;
  const from = Math.max(0, i - 80);
  return `…${x.slice(from, i + 80)}… against …${y.slice(from, i + 80)}…`;
}

/** Loads each shape with both loaders and compares the two databases; drops them after. */
export async function verifyLoaders(client: mongoose.mongo.MongoClient, shapes: Shape[], o: LoadOptions): Promise<LoaderVerdict[]> {
  const verdicts: LoaderVerdict[] = [];
  for (const shape of shapes) {
    const dbs = { upserts: client.db(`verify_upserts_${shape.installations}`), bulk: client.db(`verify_bulk_${shape.installations}`) };
    const seconds = {} as Record<Loader, number>;
    for (const loader of ['upserts', 'bulk'] as const) {
      await dbs[loader].dropDatabase();
      const loaded = await load(loader, dbs[loader], shape, o);
      seconds[loader] = loaded.seconds;
      o.log(`verify: ${shape.installations.toLocaleString('en-US')} installations by ${loader}: ${loaded.events.toLocaleString('en-US')} events in ${loaded.seconds.toFixed(1)} s${loaded.documents ? `, ${loaded.documents.toLocaleString('en-US')} documents` : ''}`);
    }
    const { collections, documents, differences } = await databaseDifferences(dbs.upserts, dbs.bulk);
    verdicts.push({ installations: shape.installations, collections, documents, seconds, differences });
    if (differences.length === 0) o.log(`verify: ${shape.installations.toLocaleString('en-US')} installations: the same database, ${collections} collections and ${documents.toLocaleString('en-US')} documents equal one by one`);
    else for (const d of differences) o.log(`verify: DIFFERENT at ${shape.installations.toLocaleString('en-US')}: ${d}`);
    await Promise.all(Object.values(dbs).map((d) => d.dropDatabase()));
  }
  return verdicts;
}
