import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags, ApiBadRequestResponse } from '@nestjs/swagger';
import { BrandScope, Genealogy } from '@trace/genealogy';
import { CallerScope, ReadsWhileLogged } from '../common/auth/auth.decorators';
import { ErrorDto } from '../common/error.dto';
import { GenealogyDto } from './genealogy.dto';
import { SerialParams } from '../common/serial.params';
import { GenealogyQuery } from './genealogy.query';
import { TraceSerialUseCase } from './trace-serial.use-case';
import { asOfDate } from '../common/as-of.query';

@ApiTags('genealogy')
@Controller('v1/serials')
export class GenealogyController {
  constructor(private readonly traceSerial: TraceSerialUseCase) {}

  @Get(':serial/genealogy')
  @ReadsWhileLogged()
  @ApiOperation({
    summary: 'Backward genealogy of a serial',
    description:
      'Everything built into the serial through every level of sub-assembly: each installed package lot, its lineage back ' +
      'through splits and merges to the received package, its vendor lot and vendor; a summary of distinct vendors and ' +
      'vendor lots with flags (vendors not approved, lots not released); the gaps where the graph has a hole; and the ' +
      'provenance (event id, source, time, Kafka topic/partition/offset) of every fact. As built now: material and ' +
      'sub-assemblies taken out by rework (MaterialRemoved, UnitDisassembled, ordered by occurredAt) are left out, or ' +
      'with history=true listed and marked removed. Retracted events (EventRetracted) are left out, or with history=true ' +
      'listed and marked retracted. With asOf, as built at that moment.',
  })
  @ApiOkResponse({ type: GenealogyDto })
  @ApiNotFoundResponse({ type: ErrorDto, description: 'No such serial' })
  @ApiBadRequestResponse({ type: ErrorDto, description: 'The serial is empty or longer than 128 characters, or asOf is not a real instant with an offset' })
  genealogy(@Param() { serial }: SerialParams, @Query() { history, asOf }: GenealogyQuery, @CallerScope() scope: BrandScope): Promise<Genealogy> {
    return this.traceSerial.execute({ serial, scope, history, ...(asOf !== undefined ? { asOf: asOfDate(asOf) } : {}) });
  }
}
