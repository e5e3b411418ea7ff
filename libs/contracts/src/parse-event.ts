import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { Equals, IsIn, IsObject, ValidationError, validateSync, IsOptional } from 'class-validator';
import { EVENT_TYPES, EVENT_TYPE_NAMES, EventType, SCHEMA_VERSION, TraceEvent } from './events';
import { IsId, IsInstant, IsText } from './validators';

/** Why a message was refused. Stable codes: dashboards and alerts key on them. */
export type RejectReason =
  | 'INVALID_JSON'
  | 'INVALID_ENVELOPE'
  | 'UNKNOWN_TYPE'
  | 'UNSUPPORTED_SCHEMA_VERSION'
  | 'WRONG_TOPIC'
  | 'INVALID_DATA';

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

const VALIDATION = { forbidUnknownValues: true, validationError: { target: false, value: false } };

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
 * topic the event type belongs to. Never throws: every problem is a typed rejection.
 */
export function parseEvent(value: Buffer | string | null, topic?: string): ParseResult {
  if (value === null || value.length === 0) return reject('INVALID_JSON', ['message has no value']);
  let raw: unknown;
  try {
    raw = JSON.parse(typeof value === 'string' ? value : value.toString('utf8'));
  } catch (e) {
    return reject('INVALID_JSON', [(e as Error).message]);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return reject('INVALID_ENVELOPE', ['message value must be a JSON object']);
  }
  const obj = raw as Record<string, unknown>;
  if (typeof obj.type !== 'string' || !(obj.type in EVENT_TYPES)) {
    return reject('UNKNOWN_TYPE', [`unknown event type ${JSON.stringify(obj.type)}; known: ${EVENT_TYPE_NAMES.join(', ')}`]);
  }
  if (obj.schemaVersion !== SCHEMA_VERSION) {
    return reject('UNSUPPORTED_SCHEMA_VERSION', [
      `schemaVersion ${JSON.stringify(obj.schemaVersion)} is not supported; this consumer reads ${SCHEMA_VERSION}`,
    ]);
  }
  const type = obj.type as EventType;
  const spec = EVENT_TYPES[type];
  if (topic !== undefined && !topic.endsWith(spec.topic)) {
    return reject('WRONG_TOPIC', [`${type} belongs on ${spec.topic}, not ${topic}`]);
  }
  const envelope = plainToInstance(Envelope, obj);
  const envelopeErrors = validateSync(envelope, VALIDATION);
  if (envelopeErrors.length > 0) return reject('INVALID_ENVELOPE', describeErrors(envelopeErrors));

  const data = plainToInstance(spec.data as new () => object, obj.data);
  const dataErrors = validateSync(data, VALIDATION);
  if (dataErrors.length > 0) return reject('INVALID_DATA', describeErrors(dataErrors, 'data'));
  const semantic = checkSemantics(type, data);
  if (semantic.length > 0) return reject('INVALID_DATA', semantic);

  const event = {
    eventId: envelope.eventId,
    type,
    schemaVersion: SCHEMA_VERSION,
    occurredAt: envelope.occurredAt,
    source: envelope.source,
    ...(envelope.correlationId !== undefined ? { correlationId: envelope.correlationId } : {}),
    data,
  } as TraceEvent;
  return { ok: true, event };
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
    case 'UnitAssembled':
    case 'UnitDisassembled': {
      const d = data as { serial: string; childSerial: string };
      return d.serial === d.childSerial ? ['data.childSerial must differ from data.serial'] : [];
    }
    default:
      return [];
  }
}
