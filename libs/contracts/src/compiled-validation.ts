import { TransformationType } from 'class-transformer';
import { defaultMetadataStorage } from 'class-transformer/cjs/storage';
import { ValidationArguments, ValidationTypes, getMetadataStorage } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';

// class-validator interprets a class's rules anew for every value: it groups them, builds a ValidationError per property
// and a ValidationArguments per rule, and needs a class-transformer instance tree to know the nested classes. For a
// batch of plain JSON values of the same few shapes that machinery is most of the cost, so each class's rules are
// read from class-validator's metadata once and turned into a plain function over the JSON value. The function calls
// the rules' own validators (the decorators' code, built-in or custom) in the order and with the arguments
// validateSync gives them, so it decides as class-validator does; it only decides: a caller that needs the errors asks
// class-validator itself. A class whose rules or class-transformer metadata it does not know how to follow gets no
// compiled check, and its values go to class-validator as before.

/** Whether a plain JSON object passes the rules of a class, as validateSync would decide on plainToInstance of it. */
export type CompiledCheck = (plain: object) => boolean;

type Class = abstract new (...args: never[]) => object;

/** The validateSync options the compiled checks decide for; any other options need class-validator itself. */
export const COMPILED_FOR = { forbidUnknownValues: true } as const;

interface Rule {
  instance: { validate(value: unknown, args: ValidationArguments): unknown };
  /** For the commonest built-in rules, the same test without the arguments object and the layers around it. */
  direct: ((value: unknown) => unknown) | undefined;
  each: boolean;
  validateIf: ((object: object, value: unknown) => boolean) | undefined;
  // One arguments object per rule, its object and value set before each call (validateSync builds one per call).
  args: ValidationArguments;
}

interface PropertyPlan {
  name: string;
  conditions: ((object: object, value: unknown) => boolean)[];
  rules: Rule[];
  /** Present when the property is validated as nested: the check of its @Type class, or null without one. */
  nested: { check: CompiledCheck | null } | undefined;
}

// class-validator's own tests for its most used built-in rules (decorator/typechecker/IsString.js, common/IsNotEmpty.js,
// string/MaxLength.js, array/*.js), by rule name. MaxLength counts a surrogate pair as one character (validator's
// isLength): a string no longer in UTF-16 units than the limit passes without counting, a longer one is left to it.
const DIRECT: Record<string, (constraints: unknown[], validate: (value: unknown) => unknown) => (value: unknown) => unknown> = {
  isString: () => (v) => v instanceof String || typeof v === 'string',
  isNotEmpty: () => (v) => v !== '' && v !== null && v !== undefined,
  isArray: () => (v) => Array.isArray(v),
  maxLength: ([max], validate) => (v) => typeof v === 'string' && (typeof max === 'number' && v.length <= max ? true : validate(v)),
  arrayMinSize: ([min]) => (v) => Array.isArray(v) && v.length >= (min as number),
  arrayMaxSize: ([max]) => (v) => Array.isArray(v) && v.length <= (max as number),
};

const compiled = new Map<Class, Map<string | undefined, CompiledCheck | null>>();
const inProgress = new Set<Class>();
const BUILT_INS: unknown[] = [String, Number, Boolean, Date, Buffer, Map, Set, Array, Object, Promise, Function];

/**
 * The compiled check of a class, or undefined when it has none (the caller then validates with class-validator).
 * `targetSchema` is what class-validator passes when it validates the class as nested (the name of the class that
 * declares the nested property); undefined at the top.
 */
export function compiledCheckOf(cls: Class, targetSchema?: string): CompiledCheck | undefined {
  const bySchema = compiled.get(cls) ?? compiled.set(cls, new Map()).get(cls)!;
  if (bySchema.has(targetSchema)) return bySchema.get(targetSchema) ?? undefined;
  if (inProgress.has(cls)) return undefined; // a shape nested in itself: left to class-validator
  inProgress.add(cls);
  try {
    const check = compile(cls, targetSchema) ?? null;
    bySchema.set(targetSchema, check);
    return check ?? undefined;
  } finally {
    inProgress.delete(cls);
  }
}

/**
 * Property names that class-transformer's plainToInstance leaves out of the instances it builds of the classes compiled so far (and
 * the plain objects inside them): `__proto__`, `constructor` and the names of the prototype chain's functions and
 * getters. A JSON value holding one of them would differ from its instance, so it is left to class-validator.
 */
export function keysLeftOutByTransform(): string[] {
  const names = new Set<string>(['__proto__', 'constructor', ...Object.getOwnPropertyNames(Object.prototype)]);
  for (const cls of compiled.keys()) {
    for (let p: object | null = (cls as { prototype: object }).prototype; p; p = Object.getPrototypeOf(p) as object | null) {
      for (const name of Object.getOwnPropertyNames(p)) names.add(name);
    }
  }
  return [...names].sort();
}

function compile(cls: Class, targetSchema: string | undefined): CompiledCheck | undefined {
  if (!transformsPlainly(cls)) return undefined;
  const storage = getMetadataStorage();
  const metadatas = storage.getTargetValidationMetadatas(cls as new () => object, targetSchema as string, false, false, undefined);
  if (metadatas.length === 0) return () => false; // forbidUnknownValues: an object of a class without rules is refused
  const plans: PropertyPlan[] = [];
  for (const [name, list] of Object.entries(storage.groupByPropertyName(metadatas))) {
    const plan = planOf(cls, name, list);
    if (!plan) return undefined;
    plans.push(plan);
  }
  return (plain) => {
    for (const plan of plans) if (!passes(plan, plain)) return false;
    return true;
  };
}

// plainToInstance of the class gives an instance with the plain value's own values: no defaults from the constructor,
// no @Expose/@Exclude strategy. Its declared properties are not names an empty object already has.
function transformsPlainly(cls: Class): boolean {
  const target = cls as unknown as new () => Record<string, unknown>;
  if (defaultMetadataStorage.getStrategy(target) !== 'none') return false;
  if (defaultMetadataStorage.getExposedMetadatas(target).length > 0 || defaultMetadataStorage.getExcludedMetadatas(target).length > 0) return false;
  let blank: Record<string, unknown>;
  try {
    blank = new target();
  } catch {
    return false;
  }
  return Object.keys(blank).every((k) => blank[k] === undefined);
}

function planOf(cls: Class, name: string, list: ValidationMetadata[]): PropertyPlan | undefined {
  if (name in {}) return undefined; // a plain object would answer it from Object.prototype
  const target = cls as unknown as new () => object;
  if (defaultMetadataStorage.findTransformMetadatas(target, name, TransformationType.PLAIN_TO_CLASS).length > 0) return undefined;
  const plan: PropertyPlan = { name, conditions: [], rules: [], nested: undefined };
  const storage = getMetadataStorage();
  let nestedSchema: string | undefined;
  for (const m of list) {
    switch (m.type) {
      case ValidationTypes.CONDITIONAL_VALIDATION:
        plan.conditions.push(m.constraints[0] as (object: object, value: unknown) => boolean);
        break;
      case ValidationTypes.CUSTOM_VALIDATION:
      case ValidationTypes.IS_DEFINED:
        for (const constraint of storage.getTargetValidatorConstraints(m.constraintCls)) {
          if (constraint.async) continue; // validateSync skips asynchronous rules
          const instance = constraint.instance as Rule['instance'];
          const args: ValidationArguments = { targetName: cls.name, property: m.propertyName, object: {}, value: undefined, constraints: m.constraints };
          const direct = constraint.name ? DIRECT[constraint.name] : undefined;
          plan.rules.push({
            instance,
            direct: direct?.(m.constraints ?? [], (v) => instance.validate(v, args)),
            each: m.each === true,
            validateIf: (m as { validateIf?: Rule['validateIf'] }).validateIf,
            args,
          });
        }
        break;
      case ValidationTypes.NESTED_VALIDATION:
        nestedSchema = typeof m.target === 'string' ? m.target : m.target.name;
        plan.nested = { check: null };
        break;
      case ValidationTypes.WHITELIST:
        break; // only read with the whitelist option
      default:
        return undefined; // promise validation or a type this compiler does not know
    }
  }
  const type = defaultMetadataStorage.findTypeMetadata(target, name);
  if (type) {
    // Only @Type(() => SomeClass) on a nested property: any other use changes the values the rules see.
    if (!plan.nested || type.options?.discriminator || type.reflectedType === Map || type.typeFunction.length > 0) return undefined;
    const nestedClass: unknown = type.typeFunction();
    if (typeof nestedClass !== 'function' || BUILT_INS.includes(nestedClass)) return undefined;
    const check = compiledCheckOf(nestedClass as Class, nestedSchema);
    if (!check) return undefined;
    plan.nested.check = check;
  }
  return plan;
}

const isPromise = (v: unknown): boolean => v !== null && typeof v === 'object' && typeof (v as { then?: unknown }).then === 'function';

// One property as ValidationExecutor.performValidations decides it (with none of the skip options set).
function passes(plan: PropertyPlan, object: object): boolean {
  const value = (object as Record<string, unknown>)[plan.name];
  for (const condition of plan.conditions) if (!condition(object, value)) return true;
  for (const rule of plan.rules) {
    if (rule.validateIf && !rule.validateIf(object, value)) continue;
    rule.args.object = object;
    rule.args.value = value;
    const direct = rule.direct;
    if (rule.each && Array.isArray(value)) {
      let valid = true;
      let pending = false;
      for (const item of value) {
        const r = direct ? direct(item) : rule.instance.validate(item, rule.args);
        if (isPromise(r)) pending = true;
        else if (!r) valid = false;
      }
      if (!valid && !pending) return false; // validateSync leaves a list with a pending result undecided, as passed
    } else if (!(direct ? direct(value) : rule.instance.validate(value, rule.args))) return false; // a pending result is truthy: passed, likewise
  }
  return plan.nested === undefined || value === undefined || nestedPasses(value, plan.nested.check);
}

// ValidationExecutor.nestedValidations: a list is checked item by item (lists in lists too), an object by its class's
// rules (an object without a @Type class is a plain Object, refused), anything else is refused.
function nestedPasses(value: unknown, check: CompiledCheck | null): boolean {
  if (Array.isArray(value)) {
    for (const item of value) if (item !== undefined && !nestedPasses(item, check)) return false;
    return true;
  }
  if (value instanceof Object) return check !== null && check(value);
  return false;
}
