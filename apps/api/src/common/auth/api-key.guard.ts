import { CanActivate, ExecutionContext, ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiKeysRepository, Principal, Role } from '@trace/access';
import type { Request } from 'express';
import { SessionAuthenticator } from './session-authenticator';
import { AuthenticatedRequest, DEFAULT_ROLES, PUBLIC_KEY, ROLES_KEY, SITE_ONLY_KEY } from './auth.decorators';

/**
 * Every route needs `Authorization: Bearer <key>` unless marked @Public: no key, a malformed, unknown
 * or revoked key is 401; a role the route does not allow, or a brand-scoped key on a @SiteOnly route, is 403. The key
 * is looked up on every request (one read by _id), so a revoked key stops working at once. Without a bearer key, a
 * browser's session cookie stands for the key it is bound to (SessionAuthenticator: the key is still looked up, CSRF
 * token on changes).
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeysRepository,
    private readonly sessions: SessionAuthenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const request = context.switchToHttp().getRequest<Request & AuthenticatedRequest>();
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match) return this.viaSession(request, targets);
    const principal = await this.keys.authenticate(match[1]!);
    if (!principal) throw new UnauthorizedException('the API key is not valid or has been revoked');
    return this.authorize(request, principal, targets);
  }

  /** A browser's session cookie instead of a bearer key (see SessionAuthenticator). */
  private async viaSession(request: Request & AuthenticatedRequest, targets: Parameters<Reflector['getAllAndOverride']>[1]): Promise<boolean> {
    if (!this.sessions.hasCookie(request)) throw new UnauthorizedException('an API key is required: Authorization: Bearer <key>');
    const principal = await this.sessions.principal(request);
    if (!principal) throw new UnauthorizedException('the session has ended (signed out, expired, or its key revoked): sign in again');
    return this.authorize(request, principal, targets);
  }

  private authorize(request: Request & AuthenticatedRequest, principal: Principal, targets: Parameters<Reflector['getAllAndOverride']>[1]): boolean {
    request.principal = principal;
    const allowed = this.reflector.getAllAndOverride<Role[]>(ROLES_KEY, targets) ?? DEFAULT_ROLES;
    if (!allowed.includes(principal.role)) {
      throw new ForbiddenException(`the role ${principal.role} may not do this; allowed: ${allowed.join(', ')}`);
    }
    if (principal.scope.kind !== 'site' && this.reflector.getAllAndOverride<boolean>(SITE_ONLY_KEY, targets)) {
      throw new ForbiddenException('only site-wide keys may do this');
    }
    return true;
  }
}
