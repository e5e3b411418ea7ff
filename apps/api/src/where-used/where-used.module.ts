import { Module } from '@nestjs/common';
import { GenealogyModule as GraphModule } from '@trace/genealogy';
import { WhereUsedController } from './where-used.controller';
import { WhereUsedUseCase } from './where-used.use-case';

/** GET /v1/lots/{lotId}/where-used, /v1/vendor-lots/where-used: which serials hold a lot. */
@Module({
  imports: [GraphModule],
  controllers: [WhereUsedController],
  providers: [WhereUsedUseCase],
})
export class WhereUsedModule {}
