import { Injectable, NotFoundException } from '@nestjs/common';
import { AuthorityJudge, BrandScope, DeviationReport, inScope } from '@trace/genealogy';

export interface GetDeviationCommand {
  brand: string;
  deviationId: string;
  scope: BrandScope;
}

/**
 * A brand's deviation as it stands, with its recall scope. A brand's deviations are its confidential data: a brand
 * outside the caller's scope answers exactly like a deviation that was never published, and reads nothing.
 */
@Injectable()
export class GetDeviationUseCase {
  constructor(private readonly authority: AuthorityJudge) {}

  async execute({ brand, deviationId, scope }: GetDeviationCommand): Promise<DeviationReport> {
    const report = inScope(scope, brand) ? await this.authority.deviation(brand, deviationId, scope) : undefined;
    if (!report) throw new NotFoundException(`deviation "${deviationId}" of brand "${brand}" is not known`);
    return report;
  }
}
