import type { BrandApprovalDoc, BrandDeviationDoc } from '../authority/authority.documents';
import { copyDocuments, type GraphStore } from './apply-graph-writes';

/** The own documents `graph recopy` copies again: approvals' and deviations'. */
export type RecopiedCollection = 'brandApprovals' | 'brandDeviations';

/** What recopyParts reads and writes: the writer's store, and the own documents page by page. */
export interface RecopyStore extends Pick<GraphStore, 'bulkUpsert'> {
  /** Up to `limit` documents of `collection` whose `_id` follows `after` (from the first when undefined), in `_id` order, whole. */
  authorityPage(collection: RecopiedCollection, after: string | undefined, limit: number): Promise<(BrandApprovalDoc | BrandDeviationDoc)[]>;
}

/** Own documents copied per page: one read of them whole, one bulk of copies. */
export const RECOPY_PAGE = 500;

/**
 * Copies every approval's and deviation's own document, as stored now, to the documents of the (brand, IPN)s it names
 * (copyDocuments, the writer's own step after each batch), so parts written before the copies existed are judged from
 * their own document in one round trip, without a replay of the topics. Safe beside a running ingest of a version that
 * writes the copies (not beside an older one, whose withdrawals reach the own documents only): the copies are
 * `$set`s keyed by the fact copied, facts are only ever added, and a not-copied mark is never taken off, so a page
 * copied from a document read before the ingest added a withdrawal to it adds nothing the ingest's own copy lacks and
 * takes nothing from it. `progress` is told how many own documents each page copied.
 */
export async function recopyParts(store: RecopyStore, progress?: (copied: number) => void): Promise<Record<RecopiedCollection, number>> {
  const done: Record<RecopiedCollection, number> = { brandApprovals: 0, brandDeviations: 0 };
  for (const collection of ['brandApprovals', 'brandDeviations'] as const) {
    let after: string | undefined;
    for (;;) {
      const docs = await store.authorityPage(collection, after, RECOPY_PAGE);
      if (docs.length === 0) break;
      await copyDocuments(store, docs);
      done[collection] += docs.length;
      progress?.(docs.length);
      after = docs.at(-1)!._id;
    }
  }
  return done;
}
