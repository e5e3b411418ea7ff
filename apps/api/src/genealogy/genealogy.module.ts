import { Module } from '@nestjs/common';
import { GenealogyModule as GraphModule } from '@trace/genealogy';
import { GenealogyController } from './genealogy.controller';
import { TraceSerialUseCase } from './trace-serial.use-case';

/** GET /v1/serials/{serial}/genealogy: what went into a serial. */
@Module({
  imports: [GraphModule],
  controllers: [GenealogyController],
  providers: [TraceSerialUseCase],
})
export class GenealogyModule {}
