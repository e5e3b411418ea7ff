import { copyWrites, type GraphStore } from './apply-graph-writes';

/** The own documents `graph recopy` copies again: approvals' and deviations'. */
export type RecopiedCollection = 'brandApprovals' | 'brandDeviations';

/** What recopyParts reads and writes: the writer's store, and the ids of the own documents page by page. */
export interface RecopyStore extends Pick<GraphStore, 'bulkUpsert' | 'readAuthority'> {
  /** Up to `limit` ids of `collection` after `after` (from the first when undefined), in `_id` order. */
  authorityIds(collection: RecopiedCollection, after: string | undefined, limit: number): Promise<string[]>;
}

/** Own documents copied per page: one read of their ids, one of them whole, one bulk of copies. */
export const RECOPY_PAGE = 500;

/**
 * Copies every approval's and deviation's own document, as stored now, to the documents of the (brand, IPN)s it names
 * (copyWrites, the writer's own step after each batch), so parts written before the copies existed are judged from
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
      const ids = await store.authorityIds(collection, after, RECOPY_PAGE);
      if (ids.length === 0) break;
      await copyWrites(store, { brandApprovals: collection === 'brandApprovals' ? ids : [], brandDeviations: collection === 'brandDeviations' ? ids : [] });
      done[collection] += ids.length;
      progress?.(ids.length);
      after = ids.at(-1);
    }
  }
  return done;
}
