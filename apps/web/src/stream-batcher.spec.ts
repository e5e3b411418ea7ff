import { StreamBatcher } from './stream-batcher';

describe('the stream batcher', () => {
  it('hands the first rows over at once, then at most once per interval, losing none', () => {
    const b = new StreamBatcher<number>(200);
    expect(b.add([1, 2], 0)).toEqual([1, 2]);
    expect(b.add([3], 50)).toBeUndefined();
    expect(b.dueIn(50)).toBe(150);
    expect(b.add([4, 5], 199)).toBeUndefined();
    expect(b.add([6], 200)).toEqual([3, 4, 5, 6]);
    expect(b.dueIn(210)).toBeUndefined();
    expect(b.add([7], 250)).toBeUndefined();
    expect(b.flush(260)).toEqual([7]);
    expect(b.flush(270)).toBeUndefined();
  });
});
