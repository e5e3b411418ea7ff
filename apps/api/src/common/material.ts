import { NotFoundException } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { IsId, VendorLotKey, vendorLotId } from '@trace/contracts';
import type { BrandScope, ForwardTracer, WhereUsed } from '@trace/genealogy';

/** The material a where-used question or a hold starts from: a package lot, or a vendor lot by its natural key. */
export type Material = { kind: 'lot'; lotId: string } | ({ kind: 'vendorLot' } & VendorLotKey);

export class LotParams {
  @ApiProperty({ description: 'Package lot id (reel, tray, bag)', maxLength: 128, example: 'REEL-C1' })
  @IsId()
  lotId: string;
}

/** The where-used answer of the material (as of `asOf`, absent: now), not read yet; a 404 when the material is unknown (to the scope). */
export async function whereUsedOf(tracer: ForwardTracer, material: Material, scope: BrandScope, asOf?: Date): Promise<WhereUsed> {
  if (material.kind === 'lot') {
    const answer = await tracer.fromLot(material.lotId, scope, asOf);
    if (!answer) throw new NotFoundException(`lot ${JSON.stringify(material.lotId)} is not known`);
    return answer;
  }
  const answer = await tracer.fromVendorLot(vendorLotId(material), scope, asOf);
  if (!answer) {
    const { vendorId, mpn, vendorLotCode } = material;
    throw new NotFoundException(`vendor lot ${JSON.stringify(vendorLotCode)} of MPN ${JSON.stringify(mpn)} from vendor ${JSON.stringify(vendorId)} was never received`);
  }
  return answer;
}
