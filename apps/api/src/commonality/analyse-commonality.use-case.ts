import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { BrandScope, CommonalityAnalyzer, Commonality } from '@trace/genealogy';
import { asOfDate } from '../common/as-of.query';

export interface AnalyseCommonalityCommand {
  serials: string[];
  comparison?: string[];
  /** Compare with a sample of this many units of the same products instead. */
  sampleComparison?: number;
  top: number;
  scope: BrandScope;
  /** Both sets as built at this moment (validated). */
  asOf?: string;
}

/** "These units failed: what do they share that the good ones do not?" */
@Injectable()
export class AnalyseCommonalityUseCase {
  constructor(private readonly analyzer: CommonalityAnalyzer) {}

  async execute({ serials, comparison, sampleComparison, top, scope, asOf }: AnalyseCommonalityCommand): Promise<Commonality> {
    if (comparison && sampleComparison !== undefined) throw new BadRequestException('give either comparison or sampleComparison, not both');
    const answer = await this.analyzer.analyse(serials, sampleComparison !== undefined ? { sample: sampleComparison } : comparison, scope, top, asOfDate(asOf));
    if (answer.serials.length === 0) throw new NotFoundException(`none of the ${serials.length} serials is known`);
    return answer;
  }
}
