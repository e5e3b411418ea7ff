import 'reflect-metadata';
import { IsNotEmpty, IsString, MaxLength, ValidationOptions, registerDecorator } from 'class-validator';

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
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2}))$/;

const daysIn = (year: number, month: number): number => {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
};

/**
 * Whether `value` is an ISO 8601 date-time with an explicit offset that names a real instant: a month
 * 1-12, a day that month has (leap years included), hours 0-23, minutes and seconds 0-59, an offset
 * within ±23:59. A regex alone accepts "2026-02-30" or "2026-13-45T25:61Z", and `Date` turns such a
 * string into NaN or rolls it into another day, so every field is checked by number.
 */
export function isInstant(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const m = ISO_WITH_OFFSET.exec(value);
  if (!m) return false;
  // Number(m[i] ?? 0), without a closure or an array per call: every event carries at least one instant.
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  const offsetHours = m[7] === undefined ? 0 : Number(m[7]);
  const offsetMinutes = m[8] === undefined ? 0 : Number(m[8]);
  return (
    month >= 1 && month <= 12 && day >= 1 && day <= daysIn(year, month) &&
    hour <= 23 && minute <= 59 && second <= 59 && offsetHours <= 23 && offsetMinutes <= 59 &&
    Number.isFinite(Date.parse(value))
  );
}

/** An ISO 8601 date-time with an explicit UTC offset, that is also a real instant. */
export function IsInstant(options?: ValidationOptions): PropertyDecorator {
  return (target: object, key: string | symbol) => {
    registerDecorator({
      name: 'isInstant',
      target: target.constructor,
      propertyName: key as string,
      options: {
        message: `$property must be a real ISO 8601 date-time with an offset (e.g. 2026-11-22T08:15:00Z)`,
        ...options,
      },
      validator: { validate: (value: unknown) => isInstant(value) },
    });
  };
}
