import { Controller, Get, Header, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConsumes,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiProduces,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { BrandScope } from '@trace/genealogy';
import { PublicReportKey, REPORT_JSON_SCHEMA, VerificationResult } from '@trace/reports';
import type { Request, Response } from 'express';
import { ITEMS_LOCAL } from '../common/auth/access-log.middleware';
import { CallerScope, Public, Roles } from '../common/auth/auth.decorators';
import { ErrorDto } from '../common/error.dto';
import { SerialParams } from '../common/serial.params';
import { ExportEpcisUseCase } from './export-epcis.use-case';
import { GenerateReportUseCase } from './generate-report.use-case';
import { ListReportKeysUseCase } from './list-report-keys.use-case';
import { RotateReportKeyUseCase } from './rotate-report-key.use-case';
import { VerifyReportUseCase } from './verify-report.use-case';
import { EpcisQuery, PublicReportKeyDto, ReportQuery, VerificationDto } from './reports.dto';
import { asOfDate } from '../common/as-of.query';
import { Expensive } from '../common/auth/key-throttler.guard';

@ApiTags('reports')
@Controller('v1')
export class ReportsController {
  constructor(
    private readonly generate: GenerateReportUseCase,
    private readonly exportEpcis: ExportEpcisUseCase,
    private readonly listKeys: ListReportKeysUseCase,
    private readonly rotateKey: RotateReportKeyUseCase,
    private readonly verifyReport: VerifyReportUseCase,
  ) {}

  @Expensive()
  @Get('serials/:serial/report')
  @ApiOperation({
    summary: 'Signed genealogy report of a serial (JSON, CSV or PDF)',
    description:
      'The genealogy answer of the serial as a report for auditors: header (brand, product, work order, build period, ' +
      'shipments, generation time, freshness), the assembly tree, the as-built bill of materials with the provenance of ' +
      'each line, flags and gaps in words. Signed with the current report key (Ed25519 over the SHA-256 of the content): ' +
      'JSON carries a signature member, CSV and PDF a last signature line. See the README for verifying with openssl. ' +
      'With asOf, the unit as built at that moment; the header (JSON, PDF; a first comment line `# as of` in CSV) and the file name say so. A report once made ' +
      'never changes: a later retraction changes later reports only.',
  })
  @ApiProduces('application/json', 'text/csv', 'application/pdf')
  @ApiOkResponse({ description: 'The signed report; X-Report-Key-Id names the signing key' })
  @ApiNotFoundResponse({ type: ErrorDto, description: 'No such serial (or outside the caller\'s brands)' })
  @ApiBadRequestResponse({ type: ErrorDto })
  async report(@Param() { serial }: SerialParams, @Query() { format, asOf }: ReportQuery, @CallerScope() scope: BrandScope, @Res() res: Response): Promise<void> {
    const signed = await this.generate.execute({ serial, scope, format, ...(asOf !== undefined ? { asOf } : {}) });
    res.locals[ITEMS_LOCAL] = 1;
    res
      .status(200)
      .set({ 'content-type': signed.contentType, 'content-disposition': `attachment; filename="${signed.filename}"`, 'x-report-key-id': signed.keyId, 'cache-control': 'no-store' })
      .end(signed.bytes);
  }

  @Expensive()
  @Get('serials/:serial/epcis')
  @Header('content-type', 'application/ld+json')
  @ApiOperation({
    summary: 'The genealogy of a serial as an EPCIS 2.0 JSON-LD document',
    description:
      'GS1 EPCIS 2.0 with the Core Business Vocabulary: commissioning of each unit (ObjectEvent), receiving of each ' +
      'package lot with its vendor lot as ILMD (ObjectEvent), splits and merges (TransformationEvent, repackaging), ' +
      'installations (TransformationEvent, installing), sub-assemblies (AggregationEvent, assembling) and shipping ' +
      '(ObjectEvent). Units and lots have urn:ems-trace: identifiers; the provenance is in ems: extensions. A retracted ' +
      'installation or assembly is exported the EPCIS way: the event with an errorDeclaration (declarationTime, reason ' +
      'did_not_occur, ems:reason). With asOf, as built at that moment.',
  })
  @ApiProduces('application/ld+json')
  @ApiOkResponse({ description: 'EPCISDocument' })
  @ApiNotFoundResponse({ type: ErrorDto, description: 'No such serial (or outside the caller\'s brands)' })
  epcis(@Param() { serial }: SerialParams, @Query() { asOf }: EpcisQuery, @CallerScope() scope: BrandScope): Promise<Record<string, unknown>> {
    return this.exportEpcis.execute({ serial, scope, ...(asOf !== undefined ? { asOf: asOfDate(asOf) } : {}) });
  }

  @Public()
  @Get('reports/schema')
  @ApiOperation({ summary: 'The JSON Schema of a JSON genealogy report', security: [] })
  @ApiOkResponse({ description: 'JSON Schema, draft-07' })
  schema(): typeof REPORT_JSON_SCHEMA {
    return REPORT_JSON_SCHEMA;
  }

  @Public()
  @Get('reports/keys')
  @ApiOperation({ summary: 'Every report key ever used, oldest first: what anyone needs to verify a report offline', security: [] })
  @ApiOkResponse({ type: [PublicReportKeyDto] })
  publicKeys(): Promise<PublicReportKey[]> {
    return this.listKeys.execute();
  }

  @Roles('admin')
  @Post('reports/keys/rotate')
  @ApiOperation({ summary: 'Make a new report signing key; the previous one retires but stays published' })
  @ApiOkResponse({ type: PublicReportKeyDto })
  @ApiForbiddenResponse({ type: ErrorDto, description: 'Only admin keys' })
  @HttpCode(200)
  rotate(): Promise<PublicReportKey> {
    return this.rotateKey.execute();
  }

  @Expensive()
  @Post('reports/verify')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Whether a report file is authentic and unchanged',
    description:
      'The body is the report file as is, sent as application/octet-stream (e.g. curl --data-binary @report.pdf), ' +
      'at most REPORT_VERIFY_MAX_BYTES (default 64 MiB). Verified in a worker thread.',
  })
  @ApiConsumes('application/octet-stream')
  @ApiOkResponse({ type: VerificationDto })
  @ApiUnauthorizedResponse({ type: ErrorDto })
  @ApiPayloadTooLargeResponse({ type: ErrorDto, description: 'The file is larger than REPORT_VERIFY_MAX_BYTES' })
  verify(@Req() req: Request): Promise<VerificationResult> {
    const parsed = req.body !== undefined && !Buffer.isBuffer(req.body) && req.readableEnded;
    const statedLength = req.headers['content-length'];
    return this.verifyReport.execute({ body: req as AsyncIterable<Buffer>, parsed, ...(statedLength !== undefined ? { statedLength } : {}) });
  }
}
