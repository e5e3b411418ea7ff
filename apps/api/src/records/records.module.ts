import { Module } from '@nestjs/common';
import { GenealogyModule as GraphModule } from '@trace/genealogy';
import { RecordsController } from './records.controller';

/** GET lot lineage, vendor lot, shipment and work-order records: what the search box leads to besides serials. */
@Module({
  imports: [GraphModule],
  controllers: [RecordsController],
})
export class RecordsModule {}
