import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsId } from '@trace/contracts';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsIn, IsOptional, Matches, ValidationArguments } from 'class-validator';
import type { ReportJob, ReportJobStatus } from '@trace/reports';
import { AsOfQuery } from '../common/as-of.query';

export const MAX_JOB_SERIALS = 10_000;

/** The message for a list with repeated serials: which ones (the first few), so that the caller can fix the list. */
const repeatedSerials = ({ value }: ValidationArguments): string => {
  const seen = new Set<unknown>();
  const repeated = new Set<unknown>();
  for (const s of Array.isArray(value) ? (value as unknown[]) : []) (seen.has(s) ? repeated : seen).add(s);
  const shown = [...repeated].slice(0, 5).map((s) => JSON.stringify(s));
  return `serials must be distinct: ${repeated.size} serial(s) given more than once (${shown.join(', ')}${repeated.size > 5 ? ', ...' : ''})`;
};

export class CreateReportJobDto {
  @ApiProperty({ type: [String], maxItems: MAX_JOB_SERIALS, uniqueItems: true, description: 'The serials to report on, each once (a repeated serial answers 400)' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_JOB_SERIALS)
  @ArrayUnique({ message: repeatedSerials })
  @IsId({ each: true })
  serials: string[];

  @ApiPropertyOptional({ enum: ['csv'], default: 'csv', description: 'One CSV: the BOM rows of every serial, one header, one signature' })
  @IsOptional()
  @IsIn(['csv'])
  format = 'csv' as const;

  @AsOfQuery()
  asOf?: string;
}

export class ReportJobParams {
  @ApiProperty({ example: 'rj-0123456789abcdef01234567' })
  @Matches(/^rj-[0-9a-f]{24}$/, { message: 'not a report job id' })
  id: string;
}

/** A job as its owner sees it. */
export class ReportJobDto {
  @ApiProperty() id: string;
  @ApiProperty({ enum: ['queued', 'running', 'done', 'failed'] }) status: ReportJobStatus;
  @ApiProperty({ description: 'Serials asked for' }) total: number;
  @ApiProperty({ description: 'Serials handled so far' }) done: number;
  @ApiProperty({ type: [String], description: 'Serials with no report: unknown, or outside your brands' }) notFound: string[];
  @ApiProperty({ description: 'BOM rows written so far' }) rows: number;
  @ApiProperty() bytes: number;
  @ApiPropertyOptional() keyId?: string;
  @ApiPropertyOptional() digest?: string;
  @ApiPropertyOptional() error?: string;
  @ApiProperty() createdAt: string;
  @ApiPropertyOptional() finishedAt?: string;
  @ApiPropertyOptional({ description: 'Where the signed CSV is, once done' }) result?: string;
  @ApiPropertyOptional({ description: 'The moment the reports are as of, when asked for (the CSV then opens with a `# as of` comment line)' }) asOf?: string;
}

export const jobView = (j: ReportJob): ReportJobDto => ({
  id: j.id,
  status: j.status,
  total: j.serials.length,
  done: j.done,
  notFound: j.notFound,
  rows: j.rows,
  bytes: j.bytes,
  ...(j.keyId ? { keyId: j.keyId } : {}),
  ...(j.digest ? { digest: j.digest } : {}),
  ...(j.error ? { error: j.error } : {}),
  createdAt: j.createdAt,
  ...(j.finishedAt ? { finishedAt: j.finishedAt } : {}),
  ...(j.status === 'done' ? { result: `/v1/reports/${j.id}/result` } : {}),
  ...(j.asOf !== undefined ? { asOf: j.asOf } : {}),
});
