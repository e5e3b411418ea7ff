import { IN_CHUNK } from './by-ids';

// A level of a traversal can hold tens of thousands of ids (a part received 80,000 times, a vendor of 100,000 vendor
// lots), and a document's size is known only once it is read: a lot with a full inline list of derivations is about
// 0.3 MB, one received once and never split 0.3 KB. So a long level is read a slice at a time, each slice sized by what
// the reads before it turned out to weigh, toward READ_BUDGET bytes a read.

/**
 * About how many bytes of documents one read of a sliced level holds: 4 MiB (as BSON, estimated by estimatedBytes).
 * Not a hard bound: a slice is sized from the documents read before it, so a slice of heavy documents after light ones
 * holds more (at most `max` of them); the next slice is smaller again.
 */
export const READ_BUDGET = 4 * 1024 * 1024;

/** Estimated BSON bytes of a fact (an entry of a document's map or list of facts: a receipt, a derivation, an installation): 320. */
export const FACT_BYTES = 320;
/** Estimated BSON bytes of a child lot's id in a derivation, beyond the derivation's FACT_BYTES: 21, so a lot split into 100 children a time weighs its 2.4 MB. */
export const CHILD_BYTES = 21;
/** Estimated BSON bytes of an entry of a bucket index (`b<n>: n`): 16. */
export const INDEX_ENTRY_BYTES = 16;
/** Estimated BSON bytes of a serial in a bucket of forward edges (`s<serial>: serial`): 64. */
export const SERIAL_ENTRY_BYTES = 64;

/**
 * A document's size as its shape tells it, without encoding it (BSON.calculateObjectSize costs 36 times as much CPU: 358
 * against 10 ms for 100,000 lots of one receipt, measured): 48 bytes, and `entryBytes` for every entry of each of its
 * top-level maps and lists (a top-level fact of its own, with its provenance, as one entry), 16 for any other field.
 */
export function estimatedBytes(doc: object, entryBytes = FACT_BYTES): number {
  let bytes = 48;
  for (const key in doc) {
    const value = (doc as Record<string, unknown>)[key];
    if (Array.isArray(value)) bytes += value.length * entryBytes;
    else if (value !== null && typeof value === 'object' && 'prov' in value) bytes += entryBytes; // one fact, not a map (a legacy `receipt`)
    else if (value !== null && typeof value === 'object') for (const _ in value) bytes += entryBytes;
    else bytes += 16;
  }
  return bytes;
}

/**
 * Reads long lists of ids a slice at a time, one read after the other, sized by bytes: the first slice is `step` ids
 * (byIds' chunk, 200), each next one as many steps as hold about `budget` bytes by what the ids of the read before it
 * weighed on average (misses included), at most four times that read and at most `max`: a level of light documents
 * grows to `max` in a few reads (200, 800, 3,200, 8,000), a read of heavy ones shrinks the next at once. One slicer per
 * kind of read of a traversal, kept across its levels, so only its first read is small. A read holds at most `max`
 * documents; its bytes stay near the budget as long as the documents weigh about what the ones before them did. Slices
 * are whole steps, so the documents come back in the order one read of the whole list gave them (byIds reads the same
 * chunks of 200), and every id is read once, in order.
 */
export class ReadSlicer {
  private readonly step: number;
  private readonly max: number;
  private readonly budget: number;
  /** The last read: its ids and the bytes it held (none yet: a first read of one step). */
  private last: { ids: number; bytes: number } | undefined;
  /** The reads made. */
  reads = 0;
  constructor({ max, budget = READ_BUDGET, step = IN_CHUNK }: { max: number; budget?: number; step?: number }) {
    this.step = Math.max(1, Math.floor(Math.min(step, max)));
    this.max = Number.isFinite(max) ? Math.max(this.step, max - (max % this.step)) : Number.POSITIVE_INFINITY;
    this.budget = budget;
  }

  /** How many ids the next read takes: what `budget` bytes hold by the last read's weight, in whole steps, at most four times that read. */
  private sliceSize(): number {
    if (!this.last) return this.step;
    const perId = Math.max(this.last.bytes / this.last.ids, 1);
    const steps = Math.max(1, Math.floor(this.budget / perId / this.step));
    return Math.min(this.max, steps * this.step, Math.max(this.step, 4 * this.last.ids - ((4 * this.last.ids) % this.step)));
  }

  /** Reads `ids` in slices, in order: `read` reads and uses one slice and returns the bytes it estimates those documents held. */
  async each(ids: readonly string[], read: (slice: string[]) => Promise<number>): Promise<void> {
    for (let i = 0; i < ids.length; ) {
      const slice = ids.slice(i, i + this.sliceSize());
      i += slice.length;
      const bytes = await read(slice);
      this.reads++;
      // A short last slice of a level says little of the next level's weight unless it is all there is.
      if (!this.last || slice.length >= this.step || this.last.ids < this.step) this.last = { ids: slice.length, bytes };
    }
  }
}
