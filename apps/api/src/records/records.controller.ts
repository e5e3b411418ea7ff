import { Controller, Get, NotFoundException, Param, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { vendorLotId } from '@trace/contracts';
import { BrandScope, LotLineageTracer, RecordReader } from '@trace/genealogy';
import { CallerScope } from '../common/auth/auth.decorators';
import { ErrorDto } from '../common/error.dto';
import { LotParams } from '../common/material';
import { LotLineageDto, ShipmentParams, ShipmentRecordDto, VendorLotKeyQuery, VendorLotRecordDto, WorkOrderParams, WorkOrderRecordDto } from './records.dto';

/** The pages behind the search box: a lot's lineage, a vendor lot, a shipment, a work order. Reads by `_id` only. */
@ApiTags('records')
@Controller('v1')
export class RecordsController {
  constructor(
    private readonly lineage: LotLineageTracer,
    private readonly records: RecordReader,
  ) {}

  @Get('lots/:lotId/lineage')
  @ApiOperation({
    summary: "A package lot's lineage and status history",
    description:
      'Back through splits and merges to the receipts (vendor lots) and forward to every lot made of it, as nodes and edges, ' +
      'each edge with the event that made it; and every status change of the lot. Lots are site facts: the same for every scope.',
  })
  @ApiOkResponse({ type: LotLineageDto })
  @ApiNotFoundResponse({ type: ErrorDto, description: 'No event ever named this lot' })
  @ApiBadRequestResponse({ type: ErrorDto, description: 'A malformed lot id' })
  async lotLineage(@Param() { lotId }: LotParams): Promise<LotLineageDto> {
    const answer = await this.lineage.trace(lotId);
    if (!answer) throw new NotFoundException(`lot ${JSON.stringify(lotId)} is not known`);
    return answer;
  }

  @Get('vendor-lots')
  @ApiOperation({ summary: 'A vendor lot: the vendor, MPN, manufacturer, date code, origin, and every receipt with its package lots' })
  @ApiOkResponse({ type: VendorLotRecordDto })
  @ApiNotFoundResponse({ type: ErrorDto, description: 'The vendor lot was never received' })
  @ApiBadRequestResponse({ type: ErrorDto, description: 'A missing or malformed key part' })
  async vendorLot(@Query() key: VendorLotKeyQuery): Promise<VendorLotRecordDto> {
    const answer = await this.records.vendorLot(vendorLotId(key));
    if (!answer) throw new NotFoundException(`vendor lot ${JSON.stringify(key.vendorLotCode)} of MPN ${JSON.stringify(key.mpn)} from vendor ${JSON.stringify(key.vendorId)} was never received`);
    return answer;
  }

  @Get('shipments/:shipmentId')
  @ApiOperation({ summary: "A shipment's units", description: "The units shipped under it that the caller may see. A shipment with none of the caller's units answers like one that never existed." })
  @ApiOkResponse({ type: ShipmentRecordDto })
  @ApiNotFoundResponse({ type: ErrorDto, description: 'No unit in scope was shipped under this id' })
  async shipment(@Param() { shipmentId }: ShipmentParams, @CallerScope() scope: BrandScope): Promise<ShipmentRecordDto> {
    const answer = await this.records.shipment(shipmentId, scope);
    if (!answer) throw new NotFoundException(`shipment ${JSON.stringify(shipmentId)} is not known`);
    return answer;
  }

  @Get('work-orders/:workOrder')
  @ApiOperation({ summary: "A work order's units", description: "The units started under it that the caller may see; another brand's work order answers like one that never existed." })
  @ApiOkResponse({ type: WorkOrderRecordDto })
  @ApiNotFoundResponse({ type: ErrorDto, description: 'No unit in scope was started under this work order' })
  async workOrder(@Param() { workOrder }: WorkOrderParams, @CallerScope() scope: BrandScope): Promise<WorkOrderRecordDto> {
    const answer = await this.records.workOrder(workOrder, scope);
    if (!answer) throw new NotFoundException(`work order ${JSON.stringify(workOrder)} is not known`);
    return answer;
  }
}
