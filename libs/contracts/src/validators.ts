import 'reflect-metadata';
import { IsNotEmpty, IsString, Matches, MaxLength, ValidationOptions } from 'class-validator';

/** Longest id the contract accepts (vendor ids, lot ids, serials, event ids...). */
export const MAX_ID_LENGTH = 128;

/** An id: a non-empty string of at most 128 characters. */
export function IsId(options?: ValidationOptions): PropertyDecorator {
  return (target: object, key: string | symbol) => {
    IsString(options)(target, key);
    IsNotEmpty(options)(target, key);
    MaxLength(MAX_ID_LENGTH, options)(target, key);
  };
}

/** A short free text (names, reasons): non-empty, bounded. */
export function IsText(max = 512, options?: ValidationOptions): PropertyDecorator {
  return (target: object, key: string | symbol) => {
    IsString(options)(target, key);
    IsNotEmpty(options)(target, key);
    MaxLength(max, options)(target, key);
  };
}

// ISO 8601 date-time with an explicit offset: "2026-11-22T08:15:00Z" or "...+01:00". A time without
// an offset is ambiguous on a shop floor that spans time zones, so the contract refuses it.
const ISO_WITH_OFFSET =
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** An ISO 8601 date-time with an explicit UTC offset, that is also a real instant. */
export function IsInstant(options?: ValidationOptions): PropertyDecorator {
  return (target: object, key: string | symbol) => {
    IsString(options)(target, key);
    Matches(ISO_WITH_OFFSET, {
      message: `$property must be an ISO 8601 date-time with an offset (e.g. 2026-11-22T08:15:00Z)`,
      ...options,
    })(target, key);
  };
}
