import { Module } from '@nestjs/common';
import { GenealogyModule as GraphModule } from '@trace/genealogy';
import { AnalyseCommonalityUseCase } from './analyse-commonality.use-case';
import { CommonalityController } from './commonality.controller';

/** POST /v1/analysis/commonality: what failed units share that good ones do not. */
@Module({
  imports: [GraphModule],
  controllers: [CommonalityController],
  providers: [AnalyseCommonalityUseCase],
})
export class CommonalityModule {}
