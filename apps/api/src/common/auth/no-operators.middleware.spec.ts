import { BadRequestException } from '@nestjs/common';
import type { Request, Response } from 'express';
import { MAX_INPUT_DEPTH, NoOperatorsMiddleware } from './no-operators.middleware';

const nested = (depth: number): unknown => {
  let v: unknown = 'x';
  for (let i = 0; i < depth; i++) v = { a: v };
  return v;
};

describe('NoOperatorsMiddleware', () => {
  const middleware = new NoOperatorsMiddleware();
  const run = (query: unknown, body?: unknown): unknown => {
    let passed = false;
    try {
      middleware.use({ query, body } as Request, {} as Response, () => (passed = true));
    } catch (e) {
      return e;
    }
    return passed;
  };

  it('passes plain query and body keys on', () => {
    expect(run({ history: 'true' }, { serials: ['SN-1'], reason: 'a $ in a value is fine' })).toBe(true);
  });

  it('refuses operator keys and bracketed operators at any depth (400)', () => {
    for (const [query, body] of [[{ $ne: 'x' }, undefined], [{ 'serial[$ne]': 'x' }, undefined], [{}, { brands: [{ $ne: null }] }], [{}, { a: { b: { $gt: 1 } } }]]) {
      const e = run(query, body);
      expect(e).toBeInstanceOf(BadRequestException);
      expect((e as BadRequestException).message).toContain('MongoDB operators');
    }
  });

  it(`refuses input nested deeper than ${MAX_INPUT_DEPTH} levels (400), before anything recurses into it`, () => {
    expect(run({}, nested(MAX_INPUT_DEPTH))).toBe(true);
    const e = run({}, nested(MAX_INPUT_DEPTH + 1));
    expect(e).toBeInstanceOf(BadRequestException);
    expect((e as BadRequestException).message).toContain('nests deeper');
    expect(run({}, nested(100_000))).toBeInstanceOf(BadRequestException);
    expect(run(nested(MAX_INPUT_DEPTH + 1))).toBeInstanceOf(BadRequestException);
  });
});
