import { Module } from '@nestjs/common';
import { GenealogyModule } from '@trace/genealogy';
import { TraceEventProducer } from '../common/trace-event.producer';
import { BrandListsController } from './brand-lists.controller';
import { BrandPublishingController } from './brand-publishing.controller';
import { DeviationsController } from './deviations.controller';
import { GetDeviationUseCase } from './get-deviation.use-case';
import { ListBrandAuthorityUseCase } from './list-brand-authority.use-case';
import { PublishBrandEventUseCase } from './publish-brand-event.use-case';
import { ShipmentComplianceController } from './shipment-compliance.controller';
import { ShipmentComplianceUseCase } from './shipment-compliance.use-case';

const USE_CASES = [PublishBrandEventUseCase, GetDeviationUseCase, ListBrandAuthorityUseCase, ShipmentComplianceUseCase];

/**
 * A brand's authority through the API: publishing its approvals, deviations and BOM revisions to trace.brand.v1 (through
 * the app's one Kafka producer, as containment does), and reading its approved parts and deviations (each with its
 * recall scope) and its shipments' compliance.
 */
@Module({
  imports: [GenealogyModule],
  controllers: [BrandPublishingController, BrandListsController, DeviationsController, ShipmentComplianceController],
  providers: [...USE_CASES, TraceEventProducer],
})
export class BrandsModule {}
