import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInstant } from '@trace/contracts';
import { IsOptional } from 'class-validator';

/** What `asOf` means, for the OpenAPI description of every answer that takes it. */
export const AS_OF_MEANING =
  'Answer as of this moment: only facts whose occurredAt is at or before it (what was built, installed, approved and ' +
  'held then), as corrected since (retracted events stay out). ISO 8601 with an offset; in a query string encode + as %2B.';

/** An optional `asOf` query parameter: a real ISO 8601 instant with an offset, checked by the contract's rule (400 otherwise). */
export const AsOfQuery = (): PropertyDecorator =>
  applyDecorators(
    ApiPropertyOptional({ type: String, format: 'date-time', example: '2026-11-22T08:15:00Z', description: AS_OF_MEANING }),
    IsOptional(),
    IsInstant({ message: 'asOf must be a real ISO 8601 date-time with an offset, e.g. 2026-11-22T08:15:00Z or 2026-11-22T09:15:00%2B01:00 (+ encoded as %2B)' }),
  );

/** The moment of a validated `asOf`, or undefined for now. */
export const asOfDate = (asOf: string | undefined): Date | undefined => (asOf === undefined ? undefined : new Date(asOf));
