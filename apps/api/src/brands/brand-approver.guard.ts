import { CanActivate, ExecutionContext, ForbiddenException, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import type { AuthenticatedRequest } from '../common/auth/auth.decorators';

/**
 * The brand keeps the authority: only an `approver` key scoped to exactly the brand in the path may publish for it.
 * A site-wide key (the EMS's own staff), a key of another brand, or of several brands, gets 403; the role itself is
 * checked before this by ApiKeyGuard (`@Roles('approver')`). 403 whatever the brand: the answer says nothing of
 * what the brand has published.
 */
@Injectable()
export class BrandApproverGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<Request & AuthenticatedRequest>();
    const scope = request.principal?.scope;
    const brand = request.params.brand;
    if (scope?.kind !== 'brands' || scope.brands.length !== 1 || scope.brands[0] !== brand) {
      throw new ForbiddenException('only an approver key of exactly this brand may publish its authority');
    }
    return true;
  }
}
