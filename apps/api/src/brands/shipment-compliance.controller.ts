import { Controller, Get, Param } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { BrandScope } from '@trace/genealogy';
import { CallerScope, Roles } from '../common/auth/auth.decorators';
import { ErrorDto } from '../common/error.dto';
import { ShipmentComplianceDto, ShipmentParams } from './brands.dto';
import { ShipmentCompliance, ShipmentComplianceUseCase } from './shipment-compliance.use-case';

@ApiTags('brands')
@Roles('quality', 'auditor', 'approver')
@Controller('v1/shipments')
export class ShipmentComplianceController {
  constructor(private readonly compliance: ShipmentComplianceUseCase) {}

  @Get(':shipmentId/compliance')
  @ApiOperation({
    summary: "A shipment against its brands' authority: the judgement of every installed material, a verdict per unit",
    description:
      'For every unit of the shipment the key may see: each material installed now (in the unit and the sub-assemblies ' +
      'told in full) with its judgement, the BOM differences, and a verdict: CONFORMING (everything approved, the BOM met), ' +
      'CONFORMING_UNDER_DEVIATIONS (some material covered by a deviation), NOT_CONFORMING (anything else, unjudged material ' +
      "included). Units of brands outside the key's scope are left out; a shipment with none of its units answers 404.",
  })
  @ApiOkResponse({ type: ShipmentComplianceDto })
  @ApiNotFoundResponse({ type: ErrorDto, description: "Never shipped, or none of its units of the key's brands (the same answer)" })
  get(@Param() { shipmentId }: ShipmentParams, @CallerScope() scope: BrandScope): Promise<ShipmentCompliance> {
    return this.compliance.execute({ shipmentId, scope });
  }
}
