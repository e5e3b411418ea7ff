import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { createHash } from 'node:crypto';
import type { Connection } from 'mongoose';
import { COLLECTIONS } from '../storage/graph.documents';
import { canonicalDocument } from './canonical-document';

/** One collection of the graph: how many documents, and the sha256 of their canonical JSON in `_id` order. */
export interface CollectionDigest {
  collection: string;
  documents: number;
  sha256: string;
}

/** Every collection of the graph, and one sha256 over all of them. */
export interface GraphDigest {
  collections: CollectionDigest[];
  documents: number;
  sha256: string;
}

/** The names of the graph's collections, sorted: whatever collection the graph gains is in the digest. */
export const GRAPH_COLLECTIONS: readonly string[] = [...new Set(Object.values(COLLECTIONS))].sort();

/** Documents read per cursor, in batches of BATCH: a range of `_id`s after the last one read. */
const RANGE = 50_000;
const BATCH = 1_000;

/**
 * The digest of the graph in the database the app is connected to: per collection, the count and a sha256 over each
 * document's canonical JSON and a newline, in `_id` order; then a sha256 over the lines `collection count sha256`.
 * Two graphs with the same documents have the same digest, whatever order their events were recorded in. Reads each
 * collection by ranges of `_id` (one cursor per range, batches of 1,000), so memory stays bounded by a batch.
 */
@Injectable()
export class GraphDigester {
  /** Documents per range and per batch (a test makes them small to cross their bounds). */
  bounds = { range: RANGE, batch: BATCH };

  constructor(@InjectConnection() private readonly connection: Connection) {}

  async digest(onDocuments: (n: number) => void = () => undefined): Promise<GraphDigest> {
    const collections: CollectionDigest[] = [];
    for (const collection of GRAPH_COLLECTIONS) collections.push(await this.collectionDigest(collection, onDocuments));
    return digestOf(collections);
  }

  /** The graph's collections that hold at least one document (one `findOne` each). */
  async nonEmptyCollections(): Promise<string[]> {
    const held = await Promise.all(GRAPH_COLLECTIONS.map(async (c) => ((await this.db().collection(c).findOne({}, { projection: { _id: 1 } })) ? [c] : [])));
    return held.flat();
  }

  private async collectionDigest(collection: string, onDocuments: (n: number) => void): Promise<CollectionDigest> {
    const hash = createHash('sha256');
    let documents = 0;
    // Every graph _id is a string (natural ids; compound ids are JSON arrays as text), so `$gt` on the last one
    // read continues in the same order. A second type would be skipped by `$gt` (comparisons stay within a type).
    let after: unknown;
    for (;;) {
      const cursor = this.db()
        .collection(collection)
        .find(after === undefined ? {} : { _id: { $gt: after } } as never)
        .sort({ _id: 1 })
        .limit(this.bounds.range)
        .batchSize(this.bounds.batch);
      let read = 0;
      for await (const doc of cursor) {
        if (after !== undefined && typeof doc._id !== typeof after) throw new Error(`${collection} holds _ids of more than one type: no digest in one _id order`);
        hash.update(canonicalDocument(doc));
        hash.update('\n');
        after = doc._id;
        read++;
        if (read % this.bounds.batch === 0) onDocuments(this.bounds.batch);
      }
      onDocuments(read % this.bounds.batch);
      documents += read;
      if (read < this.bounds.range) break;
    }
    return { collection, documents, sha256: hash.digest('hex') };
  }

  private db() {
    const db = this.connection.db;
    if (!db) throw new Error('the database connection is not open');
    return db;
  }
}

/** The digest of the graph from its collections' digests (in the order given: GRAPH_COLLECTIONS'). */
export function digestOf(collections: CollectionDigest[]): GraphDigest {
  const hash = createHash('sha256');
  for (const c of collections) hash.update(`${c.collection} ${c.documents} ${c.sha256}\n`);
  return { collections, documents: collections.reduce((n, c) => n + c.documents, 0), sha256: hash.digest('hex') };
}

/** The digest as text: one line per collection (name, count, sha256), then the line `graph` with the totals. */
export function formatDigest(digest: GraphDigest): string[] {
  const width = Math.max(5, ...digest.collections.map((c) => c.collection.length));
  const line = (name: string, n: number, sha: string) => `${name.padEnd(width)}  ${String(n).padStart(10)}  ${sha}`;
  return [...digest.collections.map((c) => line(c.collection, c.documents, c.sha256)), line('graph', digest.documents, digest.sha256)];
}
