import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { Equals, IsIn, IsObject, ValidationError, validateSync, IsOptional } from 'class-validator';
import { EVENT_TYPES, EVENT_TYPE_NAMES, EVERY_TRACE_TOPIC, EventType, SCHEMA_VERSION, TraceEvent, acceptsTopic } from './events';
import { IsId, IsInstant, IsText } from './validators';
import { memoizeValidationMetadata } from './validation-cache';
import { COMPILED_FOR, compiledCheckOf, keysLeftOutByTransform } from './compiled-validation';

memoizeValidationMetadata();

/** Why a message was refused. Stable codes: dashboards and alerts key on them. */
export type RejectReason =
  | 'INVALID_JSON'
  | 'INVALID_ENVELOPE'
  | 'UNKNOWN_TYPE'
  | 'UNSUPPORTED_SCHEMA_VERSION'
  | 'WRONG_TOPIC'
  | 'INVALID_DATA'
  | 'TOO_LARGE'
  | 'TOO_DEEP'
  | 'UNPROCESSABLE';

/** Largest message value the contract reads, in bytes (1 MiB, the order of Kafka's default `message.max.bytes`). */
export const MAX_EVENT_BYTES = 1024 * 1024;

/**
 * Deepest nesting of arrays and objects a message value may have. The contract's own shapes need 4
 * (envelope, data, packages, a package); the rest is room for producers' extra fields. Checked on the
 * raw bytes before any recursive work: class-transformer recurses once per level and a 5,000-deep array
 * overflows the stack.
 */
export const MAX_NESTING_DEPTH = 32;

export type ParseResult =
  | { ok: true; event: TraceEvent }
  | { ok: false; reason: RejectReason; errors: string[] };

class Envelope {
  @IsId() eventId: string;
  @IsIn(EVENT_TYPE_NAMES) type: EventType;
  @Equals(SCHEMA_VERSION) schemaVersion: number;
  @IsInstant() occurredAt: string;
  @IsText(256) source: string;
  @IsOptional() @IsText(256) correlationId?: string;
  @IsObject() data: Record<string, unknown>;
}

// The envelope's declared fields on an Envelope, for class-validator: its fields are flat (data is only checked to be an
// object), so plainToInstance's recursive copy of the whole message would buy nothing; no other key is copied.
function envelopeOf(obj: Record<string, unknown>): Envelope {
  const e = new Envelope();
  for (const key of ENVELOPE_KEYS) if (Object.hasOwn(obj, key)) (e as unknown as Record<string, unknown>)[key] = obj[key];
  return e;
}
const ENVELOPE_KEYS = ['eventId', 'type', 'schemaVersion', 'occurredAt', 'source', 'correlationId', 'data'] as const satisfies readonly (keyof Envelope)[];

const VALIDATION = { ...COMPILED_FOR, validationError: { target: false, value: false } };

/**
 * Which validation decided: `compiled`, the checks compiled from the contract's class-validator rules, with
 * class-validator asked only for the errors of a value they refuse; `class-validator`, class-validator alone (the
 * reference the compiled checks are proven against).
 */
export type ValidationPath = 'compiled' | 'class-validator';

// A message naming a key plainToInstance leaves out (or any \u escape, which could spell one) is validated by
// class-validator on the instance: the plain value would differ from it.
let leftOutKeys: RegExp | undefined;
function leftOutKeysPattern(): RegExp {
  if (leftOutKeys) return leftOutKeys;
  for (const t of EVENT_TYPE_NAMES) compiledCheckOf(EVENT_TYPES[t].data); // every class a data value can hold, compiled
  return (leftOutKeys = new RegExp(`\\\\u|"(?:${keysLeftOutByTransform().join('|')})"`));
}

/** Flattens class-validator's tree into readable lines: "data.packages.0.quantity must be a positive number". */
export function describeErrors(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((e) => {
    const path = prefix ? `${prefix}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((m) => m.replace(e.property, path));
    return [...own, ...describeErrors(e.children ?? [], path)];
  });
}

const reject = (reason: RejectReason, errors: string[]): ParseResult => ({ ok: false, reason, errors });

/**
 * Parses and validates one message value against contract v1. `topic`, when given, must be the
 * topic the event type belongs to. Never throws: every problem is a typed rejection, and an exception
 * from the parsers themselves is `UNPROCESSABLE`.
 */
export function parseEvent(value: Buffer | string | null, topic?: string, path: ValidationPath = 'compiled'): ParseResult {
  try {
    return parseBounded(value, topic, path);
  } catch (e) {
    return reject('UNPROCESSABLE', [`the message could not be parsed: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`]);
  }
}

function parseBounded(value: Buffer | string | null, topic: string | undefined, path: ValidationPath): ParseResult {
  if (value === null || value.length === 0) return reject('INVALID_JSON', ['message has no value']);
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  if (bytes.length > MAX_EVENT_BYTES) {
    return reject('TOO_LARGE', [`message value has ${bytes.length} bytes; the contract reads at most ${MAX_EVENT_BYTES}`]);
  }
  const depth = nestingDepth(bytes, MAX_NESTING_DEPTH);
  if (depth > MAX_NESTING_DEPTH) {
    return reject('TOO_DEEP', [`message value nests arrays and objects deeper than ${MAX_NESTING_DEPTH} levels`]);
  }
  const text = bytes.toString('utf8');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return reject('INVALID_JSON', [(e as Error).message]);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return reject('INVALID_ENVELOPE', ['message value must be a JSON object']);
  }
  const obj = raw as Record<string, unknown>;
  // Own properties only: `"__proto__"`, `"constructor"` or `"toString"` are names of Object.prototype, not event types.
  if (typeof obj.type !== 'string' || !Object.hasOwn(EVENT_TYPES, obj.type)) {
    return reject('UNKNOWN_TYPE', [`unknown event type ${String(JSON.stringify(obj.type)).slice(0, 200)}; known: ${EVENT_TYPE_NAMES.join(', ')}`]);
  }
  if (obj.schemaVersion !== SCHEMA_VERSION) {
    return reject('UNSUPPORTED_SCHEMA_VERSION', [
      `schemaVersion ${String(JSON.stringify(obj.schemaVersion)).slice(0, 200)} is not supported; this consumer reads ${SCHEMA_VERSION}`,
    ]);
  }
  const type = obj.type as EventType;
  const spec = EVENT_TYPES[type];
  if (topic !== undefined && !acceptsTopic(type, topic)) {
    const where = spec.topic === EVERY_TRACE_TOPIC ? 'a trace topic (the one of the event it retracts)' : spec.topic;
    return reject('WRONG_TOPIC', [`${type} belongs on ${where}, not ${topic}`]);
  }
  // The envelope's declared fields are its own values either way; the compiled check reads only those.
  const compiled = path === 'compiled';
  if (!(compiled && compiledCheckOf(Envelope)?.(obj))) {
    const envelopeErrors = validateSync(envelopeOf(obj), VALIDATION);
    if (envelopeErrors.length > 0) return reject('INVALID_ENVELOPE', describeErrors(envelopeErrors));
  }
  const envelope = obj as unknown as Envelope;

  let data: object | undefined;
  if (compiled && !leftOutKeysPattern().test(text) && compiledCheckOf(spec.data)?.(obj.data as object)) data = obj.data as object;
  if (data === undefined) {
    data = plainToInstance(spec.data as new () => object, obj.data);
    const dataErrors = validateSync(data, VALIDATION);
    if (dataErrors.length > 0) return reject('INVALID_DATA', describeErrors(dataErrors, 'data'));
  }
  const semantic = checkSemantics(type, data);
  if (type === 'EventRetracted' && (data as { retractedEventId: string }).retractedEventId === envelope.eventId) {
    semantic.push('data.retractedEventId must not be the retraction\'s own eventId');
  }
  if (semantic.length > 0) return reject('INVALID_DATA', semantic);

  const event = (
    envelope.correlationId !== undefined
      ? { eventId: envelope.eventId, type, schemaVersion: SCHEMA_VERSION, occurredAt: envelope.occurredAt, source: envelope.source, correlationId: envelope.correlationId, data }
      : { eventId: envelope.eventId, type, schemaVersion: SCHEMA_VERSION, occurredAt: envelope.occurredAt, source: envelope.source, data }
  ) as TraceEvent;
  return { ok: true, event };
}

/**
 * The deepest nesting of `[` and `{` in JSON bytes, counted without parsing and without recursion; stops
 * counting once past `limit`. Brackets inside strings do not count. UTF-8 continuation bytes never equal
 * an ASCII quote, backslash or bracket, so scanning bytes is exact.
 */
export function nestingDepth(json: Uint8Array, limit = Infinity): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const c = json[i];
    if (inString) {
      if (c === 0x5c) i++; // a backslash escapes the next byte
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      depth++;
      if (depth > deepest) deepest = depth;
      if (deepest > limit) return deepest;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return deepest;
}

// Rules that span fields, which decorators cannot say.
function checkSemantics(type: EventType, data: object): string[] {
  switch (type) {
    case 'LotMerged': {
      const d = data as { sourceLotIds: string[]; lotId: string };
      return d.sourceLotIds.includes(d.lotId) ? ['data.lotId must not be one of data.sourceLotIds'] : [];
    }
    case 'LotSplit': {
      const d = data as { sourceLotId: string; newLots: { lotId: string }[] };
      return d.newLots.some((l) => l.lotId === d.sourceLotId)
        ? ['data.newLots must not contain data.sourceLotId']
        : [];
    }
    case 'LotSpliced':
    case 'SplicePointDetected': {
      const d = data as { leadingLotId: string; trailingLotId: string };
      return d.leadingLotId === d.trailingLotId ? ['data.trailingLotId must differ from data.leadingLotId'] : [];
    }
    case 'MaterialInstalled': {
      const d = data as { lotId: string; refDes: string[]; placements?: { refDes: string }[]; candidates?: { lotIds: string[] } };
      return [
        ...(d.placements ?? []).filter((p) => !d.refDes.includes(p.refDes)).map((p) => `data.placements: ${p.refDes} is not one of data.refDes`),
        ...(d.candidates && !d.candidates.lotIds.includes(d.lotId) ? ['data.candidates.lotIds must include data.lotId'] : []),
      ];
    }
    case 'UnitAssembled':
    case 'UnitDisassembled': {
      const d = data as { serial: string; childSerial: string };
      return d.serial === d.childSerial ? ['data.childSerial must differ from data.serial'] : [];
    }
    default:
      return [];
  }
}
