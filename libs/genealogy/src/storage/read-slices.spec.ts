import { ReadSlicer, estimatedBytes } from './read-slices';

// A long list of ids is read a slice at a time, each slice sized by the bytes the reads before it held, every id once, in order.

const ids = (n: number, prefix = 'L'): string[] => Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(6, '0')}`);

/** The slices a slicer reads `list` in, each weighing `bytesOf(id)` an id. */
async function slicesOf(slicer: ReadSlicer, list: string[], bytesOf: (id: string) => number): Promise<string[][]> {
  const slices: string[][] = [];
  await slicer.each(list, async (slice) => {
    slices.push(slice);
    return slice.reduce((a, id) => a + bytesOf(id), 0);
  });
  return slices;
}

describe('ReadSlicer', () => {
  it('reads nothing for no ids', async () => {
    const slicer = new ReadSlicer({ max: 8_000 });
    expect(await slicesOf(slicer, [], () => 100)).toEqual([]);
    expect(slicer.reads).toBe(0);
  });

  it('reads one step first, then as many whole steps as the budget holds by the last read, at most four times it and max: every id once, in order', async () => {
    const slicer = new ReadSlicer({ max: 2_000, budget: 100_000, step: 200 });
    const list = ids(5_001);
    const slices = await slicesOf(slicer, list, () => 100); // 100 B an id: 1,000 a read by the budget
    expect(slices.map((s) => s.length)).toEqual([200, 800, 1_000, 1_000, 1_000, 1_000, 1]);
    expect(slices.flat()).toEqual(list);
  });

  it('takes the id on a step boundary in the slice after it, and a last slice of one id', async () => {
    const slicer = new ReadSlicer({ max: 400, budget: 1e9, step: 200 });
    const list = ids(601);
    const slices = await slicesOf(slicer, list, () => 1);
    expect(slices.map((s) => s.length)).toEqual([200, 400, 1]);
    expect(slices[0]!.at(-1)).toBe(list[199]);
    expect(slices[1]![0]).toBe(list[200]);
    expect(slices[2]).toEqual([list[600]]);
  });

  it('reads heavy documents a step at a time and grows again once they are light, the last weight kept across levels', async () => {
    const slicer = new ReadSlicer({ max: 8_000, budget: 4 * 1024 * 1024, step: 200 });
    // A level of lots with full inline lists (0.3 MB each): one step a read, never 8,000 (2.4 GB).
    const heavy = await slicesOf(slicer, ids(1_000, 'H'), () => 300_000);
    expect(heavy.map((s) => s.length)).toEqual([200, 200, 200, 200, 200]);
    // Then a level of light lots: a step first (the heavy read before it), then four times more a read, up to max.
    const light = await slicesOf(slicer, ids(100_000), () => 30);
    expect(light.slice(0, 5).map((s) => s.length)).toEqual([200, 800, 3_200, 8_000, 8_000]);
    expect(light.flat()).toEqual(ids(100_000));
    // And heavy again: the read after a light one holds what max holds (the bound of a read), the next one a step.
    const again = await slicesOf(slicer, ids(10_000, 'G'), () => 300_000);
    expect(again.map((s) => s.length)).toEqual([8_000, ...Array(10).fill(200)]);
  });

  it('counts misses (ids of no document) as read, so a level of misses grows its slices too', async () => {
    const slicer = new ReadSlicer({ max: 8_000, step: 200 });
    expect((await slicesOf(slicer, ids(10_000), () => 0)).map((s) => s.length)).toEqual([200, 800, 3_200, 5_800]);
  });

  it('keeps a max that is not a multiple of the step to whole steps, and a step above max to max', async () => {
    expect((await slicesOf(new ReadSlicer({ max: 300, step: 200 }), ids(700), () => 1)).map((s) => s.length)).toEqual([200, 200, 200, 100]);
    expect((await slicesOf(new ReadSlicer({ max: 50, step: 200 }), ids(120), () => 1)).map((s) => s.length)).toEqual([50, 50, 20]);
  });
});

describe('estimatedBytes', () => {
  it('weighs a document by its maps and lists of facts, 48 bytes besides and 16 a plain field', () => {
    expect(estimatedBytes({ _id: 'L1' })).toBe(64);
    expect(estimatedBytes({ _id: 'L1', receipts: { a: {}, b: {} }, derivedInline: [{}, {}, {}] }, 100)).toBe(48 + 16 + 500);
    expect(estimatedBytes({ _id: 'L1', missing: null })).toBe(80);
    // A legacy single fact (a lot's `receipt`, a unit's `started`) is one entry, not one a field.
    const receipt = { receiptId: 'R1', vendorLotId: 'VL1', vendorId: 'V1', mpn: 'M', quantity: 1, uom: 'pcs', receivedAt: 't', at: new Date(0), prov: {} };
    expect(estimatedBytes({ _id: 'L1', receipt }, 100)).toBe(48 + 16 + 100);
  });
});
