import 'reflect-metadata';
import { IsInt, IsString, validateSync } from 'class-validator';
import { memoizeValidationMetadata } from './validation-cache';

const failing = (o: object, groups?: string[]): string[] =>
  validateSync(o, { forbidUnknownValues: true, ...(groups ? { groups } : {}) }).map((e) => e.property).sort();

describe('memoized class-validator rule lookup', () => {
  beforeAll(() => memoizeValidationMetadata());

  it('finds a class\'s own and inherited rules, for classes declared before and after it was memoized, every time', () => {
    class Base {
      @IsString() a: unknown;
    }
    expect(failing(Object.assign(new Base(), { a: 1 }))).toEqual(['a']);
    class Derived extends Base {
      @IsInt() b: unknown;
    }
    for (let i = 0; i < 3; i++) {
      expect(failing(Object.assign(new Derived(), { a: 1, b: 'x' }))).toEqual(['a', 'b']);
      expect(failing(Object.assign(new Derived(), { a: 'ok', b: 2 }))).toEqual([]);
      expect(failing(Object.assign(new Base(), { a: 1 }))).toEqual(['a']);
    }
  });

  it('keeps the lookups of different validation groups apart', () => {
    class Grouped {
      @IsString({ groups: ['strict'] }) g: unknown;
    }
    const o = Object.assign(new Grouped(), { g: 1 });
    expect(failing(o, ['strict'])).toEqual(['g']);
    expect(failing(o, ['lenient'])).toEqual([]);
    expect(failing(o, ['strict'])).toEqual(['g']);
  });
});
