import type { Model } from 'mongoose';

// A long `$in` is sent as several side by side: one level of a traversal is still one wait for the database,
// and mongo-java-server answers 1,000 ids in one query about twice as slowly as in chunks of 100 (measured:
// 263 ms vs 126-200 ms for 3 KB unit documents).
export const IN_CHUNK = 200;

/** Documents by `_id`, as plain objects, in one wait for the database however many ids; `projection` leaves fields out (0) or names the only ones read (1). */
export async function byIds<T>(model: Model<T>, ids: string[], projection?: Record<string, 0> | Record<string, 1>, chunk = IN_CHUNK): Promise<T[]> {
  if (ids.length === 0) return [];
  const chunks: string[][] = [];
  for (let i = 0; i < ids.length; i += chunk) chunks.push(ids.slice(i, i + chunk));
  const results = await Promise.all(chunks.map(async (chunk) => (await model.find({ _id: { $in: chunk } }, projection).lean().exec()) as T[]));
  return results.flat();
}
