import { Injectable, NotFoundException } from '@nestjs/common';
import { BrandScope, CommonalityAnalyzer, Commonality } from '@trace/genealogy';

export interface AnalyseCommonalityCommand {
  serials: string[];
  comparison?: string[];
  top: number;
  scope: BrandScope;
}

/** "These units failed: what do they share that the good ones do not?" */
@Injectable()
export class AnalyseCommonalityUseCase {
  constructor(private readonly analyzer: CommonalityAnalyzer) {}

  async execute({ serials, comparison, top, scope }: AnalyseCommonalityCommand): Promise<Commonality> {
    const answer = await this.analyzer.analyse(serials, comparison, scope, top);
    if (answer.serials.length === 0) throw new NotFoundException(`none of the ${serials.length} serials is known`);
    return answer;
  }
}
