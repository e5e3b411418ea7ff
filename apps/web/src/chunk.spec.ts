import { Chunk } from './chunk';

describe('Chunk', () => {
  it('asks for its module once, and has it once it is in', async () => {
    let asked = 0;
    const chunk = new Chunk(async () => ({ n: ++asked }));
    expect(chunk.loaded()).toBeUndefined();
    const [a, b] = await Promise.all([chunk.load(), chunk.load()]);
    expect(a).toBe(b);
    expect(chunk.loaded()).toBe(a);
    await chunk.load();
    expect(asked).toBe(1);
  });

  it('asks again after a failure, which it does not keep', async () => {
    let asked = 0;
    const chunk = new Chunk(async () => {
      asked += 1;
      if (asked === 1) throw new Error('Failed to fetch dynamically imported module');
      return { n: asked };
    });
    await expect(chunk.load()).rejects.toThrow('Failed to fetch');
    expect(chunk.loaded()).toBeUndefined();
    await expect(chunk.load()).resolves.toEqual({ n: 2 });
    expect(chunk.loaded()).toEqual({ n: 2 });
  });
});
