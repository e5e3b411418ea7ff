import { Slots } from './slots';

describe('Slots', () => {
  it('gives out at most its size, then serves the waiting in the order they asked, each release once', async () => {
    const slots = new Slots(2);
    const order: string[] = [];
    const a = await slots.take();
    const b = await slots.take();
    const c = slots.take().then((release) => (order.push('c'), release));
    const d = slots.take().then((release) => (order.push('d'), release));
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual([]);

    a();
    a(); // a second release of the same slot frees nothing more
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual(['c']);

    b();
    (await c)();
    (await d)();
    expect(order).toEqual(['c', 'd']);
    // All four released: two can be taken at once again, and no third.
    await slots.take();
    await slots.take();
    let third = false;
    void slots.take().then(() => (third = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(third).toBe(false);
  });
});
