import 'reflect-metadata';
import { Transform, Type, plainToInstance } from 'class-transformer';
import { IsString, ValidateNested, ValidationError, getMetadataStorage, validateSync } from 'class-validator';
import { COMPILED_FOR, compiledCheckOf } from './compiled-validation';
import { EVENT_TYPES, EVENT_TYPE_NAMES, EventType } from './events';
import { parseEvent } from './parse-event';

// The compiled checks must decide exactly as class-validator does on plainToInstance of the same value, and parseEvent
// must answer exactly as with class-validator alone (same reasons, same errors, equal events). Both are run over a valid
// event of every type and over every variant of it this generator makes: each field (nested ones and list items
// included) removed, or replaced by values chosen to break each kind of rule the contract uses, lists emptied, repeated
// or overfilled, extra keys (the ones class-transformer leaves out among them). A spec that asserts how many rules
// failed makes sure the variants reach every rule.

const at = '2026-11-20T08:00:00Z';
const VALID: { [T in EventType]: Record<string, unknown> } = {
  VendorRegistered: { vendorId: 'V-1', name: 'Arrow', country: 'US', status: 'approved' },
  VendorStatusChanged: { vendorId: 'V-1', status: 'conditional', reason: 'late certificate' },
  MaterialReceived: {
    receiptId: 'GR-1', vendorId: 'V-1', manufacturer: 'Murata', mpn: 'GRM188', internalPartNumber: 'CAP-100N', vendorLotCode: 'L1',
    dateCode: '2533', countryOfOrigin: 'JP', receivedAt: at, uom: 'pcs', packages: [{ lotId: 'REEL-1', quantity: 4000 }, { lotId: 'REEL-2', quantity: 1.5 }],
  },
  LotSplit: { sourceLotId: 'REEL-1', newLots: [{ lotId: 'REEL-1A', quantity: 10 }, { lotId: 'REEL-1B', quantity: 20 }] },
  LotMerged: { sourceLotIds: ['REEL-1', 'REEL-2'], lotId: 'REEL-3' },
  LotStatusChanged: { lotId: 'REEL-1', status: 'hold', reason: 'awaiting certificate', keyId: 'key-1' },
  LotSpliced: { leadingLotId: 'REEL-1', trailingLotId: 'REEL-2', greyZone: 3, location: 'FDR-1' },
  SplicePointDetected: { leadingLotId: 'REEL-1', trailingLotId: 'REEL-2', location: 'FDR-1' },
  UnitStarted: { serial: 'SN-1', brand: 'Acme', productPartNumber: 'GW-100', workOrder: 'WO-1' },
  MaterialInstalled: {
    serial: 'SN-1', lotId: 'REEL-1', quantity: 2, refDes: ['C1', 'C2'], bomPartNumber: 'CAP-100N',
    placements: [{ refDes: 'C1', location: 'FDR-12', placedAt: '2026-11-01T08:00:01.123-04:00' }, { refDes: 'C2' }],
    candidates: { lotIds: ['REEL-1', 'REEL-2'], reason: 'grey zone' },
  },
  UnitAssembled: { serial: 'SN-1', childSerial: 'SN-2', refDes: ['J1', 'J2'] },
  UnitShipped: { serial: 'SN-1', shipmentId: 'SH-1', customer: 'Initech' },
  MaterialRemoved: { serial: 'SN-1', lotId: 'REEL-1', refDes: ['C1'], reason: 'reworked' },
  UnitDisassembled: { serial: 'SN-1', childSerial: 'SN-2', reason: 'reworked' },
  UnitDisqualified: { serial: 'SN-1', reason: 'scrapped at AOI' },
  PartApproved: { brand: 'Acme', approvalId: 'AVL-1', internalPartNumber: 'CAP-100N', manufacturer: 'Murata', mpn: 'GRM188', vendorIds: ['V-1', 'V-2'], reason: 'qualified' },
  PartApprovalWithdrawn: { brand: 'Acme', approvalId: 'AVL-1', reason: 'end of life' },
  DeviationApproved: {
    brand: 'Acme', deviationId: 'DEV-1', internalPartNumber: 'CAP-100N', manufacturer: 'Kemet', mpn: 'C0603', vendorIds: ['V-1'], productPartNumbers: ['GW-100'],
    workOrders: ['WO-1'], maxQuantity: 500, validFrom: at, validUntil: '2026-12-20T00:00:00+01:00', approvedBy: 'q@acme.example', reason: 'shortage',
  },
  DeviationRevoked: { brand: 'Acme', deviationId: 'DEV-1', reason: 'back in stock' },
  BomReleased: { brand: 'Acme', productPartNumber: 'GW-100', revision: 'C', effectiveFrom: at, lines: [{ internalPartNumber: 'CAP-100N', quantity: 4, refDes: ['C1', 'C2'] }, { internalPartNumber: 'PCB-1', quantity: 1 }] },
  EventRetracted: { retractedEventId: 'inst-1', reason: 'wrong reel scanned' },
};

const long = (n: number): string => 'x'.repeat(n);
const distinct = (n: number): string[] => Array.from({ length: n }, (_, i) => `id-${i}`);
// Values that break (or pass) each kind of rule: types, emptiness, lengths, numbers, instants, enums, countries, lists.
const PROBES: unknown[] = [
  null, true, 0, -1, 1.5, 1e308, '', ' ', 'x', 'US', 'ZZ', 'us', long(16), long(17), long(32), long(33), long(64), long(65), long(128), long(129), long(256), long(257), long(1024), long(1025),
  at, '2026-11-20T08:00:00+01:00', '2026-11-20T08:00:00', '2026-02-30T08:00:00Z', '2026-13-01T08:00:00Z', '2026-11-20T25:00:00Z', '2020-01-01T00:00:00Z', '2099-01-01T00:00:00Z',
  'released', 'hold', 'approved', 'disqualified', 'bogus', 1, 2, 3,
  [], ['x'], ['x', 'x'], ['a', 'b'], [''], [long(65)], [long(129)], [1], [null], [[]], [{}], {}, { lotIds: ['REEL-1', 'REEL-2'], reason: 'r' }, [{ lotIds: ['REEL-1', 'REEL-2'], reason: 'r' }],
  distinct(17), 'x'.repeat(127) + '\u{1F600}', 'x'.repeat(128) + '\u{1F600}', 'x'.repeat(63) + '\u{1F600}', ['x'.repeat(63) + '\u{1F600}'], 'x'.repeat(1023) + '\u{1F600}',
];
// Keys plainToInstance leaves out, and a key of no rule: each added to every object of a valid value.
const EXTRA_KEYS: [string, unknown][] = [['extra', { nested: [1, { a: 'b' }] }], ['toString', 'x'], ['constructor', { a: 1 }], ['valueOf', 1], ['hasOwnProperty', 'x']];

type Json = Record<string, unknown> | unknown[];

/** Every variant of `value` the generator makes: one change at one place (a field, a list item), the rest as it was. */
function* variantsOf(value: Json): Generator<unknown> {
  const entries: [string | number, unknown][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
  const withValue = (key: string | number, v: unknown): Json => {
    if (Array.isArray(value)) return value.map((old, i) => (i === key ? v : old));
    return { ...value, [key]: v };
  };
  for (const [key, old] of entries) {
    if (Array.isArray(value)) yield value.filter((_, i) => i !== key);
    else {
      const { [key as string]: _removed, ...rest } = value;
      yield rest;
    }
    for (const probe of PROBES) yield withValue(key, probe);
    if (old !== null && typeof old === 'object') {
      for (const inner of variantsOf(old as Json)) yield withValue(key, inner);
      if (Array.isArray(old)) {
        yield withValue(key, [...old, old[0]]); // a repeated item
        yield withValue(key, [...old, ...old.map(() => old[0])]);
        if (typeof old[0] === 'string') for (const n of [1_001, 10_001]) yield withValue(key, distinct(n)); // past a list's largest size
        else yield withValue(key, Array.from({ length: 10_001 }, () => old[0]));
      }
    }
  }
  if (Array.isArray(value)) yield [...value, null];
  else for (const [key, extra] of EXTRA_KEYS) yield { ...value, [key]: extra };
}

const withKey = (json: string, key: string, v: unknown): string => json.replace(/^\{/, `{${JSON.stringify(key)}:${JSON.stringify(v)},`);

/** What class-validator itself decides of a plain value for a class (validateSync on plainToInstance, the contract's options). */
const referenceErrors = (cls: new () => object, plain: unknown): ValidationError[] =>
  validateSync(plainToInstance(cls, plain) as object, COMPILED_FOR);

function constraintNames(errors: ValidationError[], into: Set<string>): Set<string> {
  for (const e of errors) {
    for (const name of Object.keys(e.constraints ?? {})) into.add(name);
    if ((e.children ?? []).length > 0) into.add('nestedValidation');
    constraintNames(e.children ?? [], into);
  }
  return into;
}

// Every rule name the contract's data classes use, nested classes included (IsOptional is a condition, not a rule).
function rulesOfContract(): Set<string> {
  const storage = getMetadataStorage();
  const names = new Set<string>();
  const seen = new Set<unknown>();
  const visit = (cls: new () => object): void => {
    if (seen.has(cls)) return;
    seen.add(cls);
    for (const m of storage.getTargetValidationMetadatas(cls, undefined as unknown as string, false, false, undefined)) {
      if (m.type === 'conditionalValidation') continue;
      if (m.type === 'nestedValidation') {
        names.add('nestedValidation');
        const nested = Reflect.getMetadata('design:type', cls.prototype, m.propertyName) as unknown;
        const typed = (plainToInstance(cls, { [m.propertyName]: {} }) as Record<string, { constructor: new () => object }>)[m.propertyName]?.constructor;
        if (typed && typed !== Object) visit(typed);
        else if (typeof nested === 'function' && nested !== Array && nested !== Object) visit(nested as new () => object);
        continue;
      }
      for (const c of storage.getTargetValidatorConstraints(m.constraintCls)) if (c.name) names.add(c.name);
    }
  };
  for (const t of EVENT_TYPE_NAMES) visit(EVENT_TYPES[t].data);
  return names;
}

const envelope = (type: EventType, data: unknown): Record<string, unknown> => ({
  eventId: `e-${type}`, type, schemaVersion: 1, occurredAt: at, source: 'site1/mes', correlationId: 'c-1', data,
});
const topicOf = (type: EventType): string => (EVENT_TYPES[type].topic === '*' ? 'trace.production.v1' : EVENT_TYPES[type].topic);

describe('compiled class-validator checks', () => {
  it('compile every data class of the contract', () => {
    for (const t of EVENT_TYPE_NAMES) expect([t, typeof compiledCheckOf(EVENT_TYPES[t].data)]).toEqual([t, 'function']);
  });

  it.each(EVENT_TYPE_NAMES)('decide every generated variant of a valid %s as class-validator does', (type) => {
    const cls = EVENT_TYPES[type].data as new () => object;
    const check = compiledCheckOf(cls)!;
    let valid = 0;
    let invalid = 0;
    let count = 0;
    for (const data of [VALID[type], ...variantsOf(VALID[type])]) {
      count++;
      if (data === null || typeof data !== 'object' || Array.isArray(data)) continue; // the envelope refuses those first
      if (EXTRA_KEYS.slice(1).some(([k]) => JSON.stringify(data).includes(`"${k}"`))) continue; // left to class-validator
      const expected = referenceErrors(cls, data).length === 0;
      if (check(data) !== expected) throw new Error(`${type}: compiled says ${!expected}, class-validator ${expected} for ${JSON.stringify(data).slice(0, 300)}`);
      if (expected) valid++;
      else invalid++;
    }
    expect(count).toBeGreaterThan(100);
    expect(valid).toBeGreaterThan(0);
    expect(invalid).toBeGreaterThan(0);
  });

  it.each(EVENT_TYPE_NAMES)('parse every generated %s message exactly as class-validator alone: same reason, same errors, an equal event', (type) => {
    let compared = 0;
    const valid = envelope(type, VALID[type]);
    const messages = [
      JSON.stringify(valid),
      ...[...variantsOf(valid)].map((v) => JSON.stringify(v)), // the data's variants among them
      withKey(JSON.stringify(valid), '__proto__', { a: 1 }),
      JSON.stringify(valid).replace('"data":{', '"data":{"__proto__":{"x":1},'),
      JSON.stringify(valid).replace('"data":{', '"data":{"to\\u0053tring":"x",'),
    ];
    for (const m of messages) {
      const expected = parseEvent(m, topicOf(type), 'class-validator');
      expect(parseEvent(m, topicOf(type))).toEqual(expected);
      compared++;
    }
    expect(compared).toBeGreaterThan(100);
  });

  it('generate variants that make every rule of the contract fail at least once', () => {
    const failed = new Set<string>();
    for (const type of EVENT_TYPE_NAMES) {
      for (const data of variantsOf(VALID[type])) constraintNames(referenceErrors(EVENT_TYPES[type].data, data), failed);
    }
    // The contract's rules today, custom ones included: a lookup that found none would make this test vacuous.
    expect([...rulesOfContract()]).toEqual(expect.arrayContaining(['isString', 'maxLength', 'isInstant', 'uniqueBy', 'notBefore', 'refDesOneOrMany', 'nestedValidation', 'isISO31661Alpha2']));
    expect([...rulesOfContract()].filter((r) => !failed.has(r))).toEqual([]);
  });

  it('leave to class-validator a class with a rule or a transform they do not follow, or with defaults', () => {
    class WithTransform {
      @IsString() @Transform(({ value }) => String(value)) a: string;
    }
    class WithDefault {
      @IsString() a = 'x';
    }
    class Inner {
      @IsString() b: string;
    }
    class WithUntransformableNested {
      @ValidateNested() @Type(() => WithTransform) inner: WithTransform;
    }
    class Nested {
      @ValidateNested() @Type(() => Inner) inner: Inner;
    }
    expect(compiledCheckOf(WithTransform)).toBeUndefined();
    expect(compiledCheckOf(WithDefault)).toBeUndefined();
    expect(compiledCheckOf(WithUntransformableNested)).toBeUndefined();
    expect(compiledCheckOf(Nested)?.({ inner: { b: 'x' } })).toBe(true);
    expect(compiledCheckOf(Nested)?.({ inner: { b: 1 } })).toBe(false);
  });
});
