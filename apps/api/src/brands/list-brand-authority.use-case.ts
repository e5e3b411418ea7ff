import { Injectable, NotFoundException } from '@nestjs/common';
import { ApprovedPart, AuthorityJudge, BrandScope, DeviationSummary, inScope } from '@trace/genealogy';

export interface ListBrandAuthorityCommand {
  brand: string;
  scope: BrandScope;
}

/**
 * A brand's approved parts and deviations, for its approvers and auditors. A brand's authority is its confidential
 * data: a brand outside the caller's scope answers 404 whether or not it published anything, and reads nothing.
 */
@Injectable()
export class ListBrandAuthorityUseCase {
  constructor(private readonly authority: AuthorityJudge) {}

  approvals({ brand, scope }: ListBrandAuthorityCommand): Promise<ApprovedPart[]> {
    this.check(brand, scope);
    return this.authority.approvals(brand);
  }

  deviations({ brand, scope }: ListBrandAuthorityCommand): Promise<DeviationSummary[]> {
    this.check(brand, scope);
    return this.authority.deviations(brand);
  }

  private check(brand: string, scope: BrandScope): void {
    if (!inScope(scope, brand)) throw new NotFoundException(`brand "${brand}" is not known`);
  }
}
