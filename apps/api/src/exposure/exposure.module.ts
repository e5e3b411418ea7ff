import { Module } from '@nestjs/common';
import { GenealogyModule as GraphModule } from '@trace/genealogy';
import { ExposureController } from './exposure.controller';
import { VendorExposureUseCase } from './vendor-exposure.use-case';

/** GET /v1/vendors/{vendorId}/exposure: what of ours holds a vendor's parts. */
@Module({
  imports: [GraphModule],
  controllers: [ExposureController],
  providers: [VendorExposureUseCase],
})
export class ExposureModule {}
