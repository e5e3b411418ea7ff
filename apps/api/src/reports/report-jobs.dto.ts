import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsId } from '@trace/contracts';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsOptional, Matches } from 'class-validator';
import type { ReportJob, ReportJobStatus } from '@trace/reports';

export const MAX_JOB_SERIALS = 10_000;

export class CreateReportJobDto {
  @ApiProperty({ type: [String], maxItems: MAX_JOB_SERIALS, description: 'The serials to report on' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_JOB_SERIALS)
  @IsId({ each: true })
  serials: string[];

  @ApiPropertyOptional({ enum: ['csv'], default: 'csv', description: 'One CSV: the BOM rows of every serial, one header, one signature' })
  @IsOptional()
  @IsIn(['csv'])
  format = 'csv' as const;
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
});
