import { Module } from '@nestjs/common';
import { GenealogyModule as GraphModule } from '@trace/genealogy';
import { SearchController } from './search.controller';
import { SearchUseCase } from './search.use-case';

/** GET /v1/search: what an id names. */
@Module({
  imports: [GraphModule],
  controllers: [SearchController],
  providers: [SearchUseCase],
})
export class SearchModule {}
