import { Module } from '@nestjs/common';
import { GenealogyModule as GraphModule } from '@trace/genealogy';
import { ChangeContainmentStatusUseCase } from './change-containment-status.use-case';
import { ContainmentController } from './containment.controller';
import { TraceEventProducer } from '../common/trace-event.producer';

/** POST /v1/lots/{lotId}/hold|release, /v1/vendor-lots/hold|release: contain suspect material (LotStatusChanged events). */
@Module({
  imports: [GraphModule],
  controllers: [ContainmentController],
  providers: [ChangeContainmentStatusUseCase, TraceEventProducer],
})
export class ContainmentModule {}
