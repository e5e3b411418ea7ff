import { applyDecorators, createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';
import type { Principal, Role } from '@trace/access';
import type { BrandScope } from '@trace/genealogy';

export const PUBLIC_KEY = 'trace:public';
export const ROLES_KEY = 'trace:roles';
export const SITE_ONLY_KEY = 'trace:site-only';
export const READS_WHILE_LOGGED_KEY = 'trace:reads-while-logged';

/** OpenAPI extension marking an operation that needs no key (its `security` is emptied in the document). */
export const PUBLIC_EXTENSION = 'x-public';

/** A route anyone may call without a key (health, published report keys and schema). */
export const Public = (): MethodDecorator & ClassDecorator =>
  applyDecorators(SetMetadata(PUBLIC_KEY, true), ApiExtension(PUBLIC_EXTENSION, true)) as MethodDecorator & ClassDecorator;

/**
 * The roles that may call a route. Routes that say nothing are data queries: `quality` and `auditor`
 * (never `admin`, whose keys manage keys and read the access log, not the data).
 */
export const Roles = (...roles: Role[]): MethodDecorator & ClassDecorator => SetMetadata(ROLES_KEY, roles);
export const DEFAULT_ROLES: readonly Role[] = ['quality', 'auditor'];

/**
 * A route only site-wide keys (`*`) may call: a brand-scoped key gets 403 whatever it names, so the answer tells
 * it nothing about what exists. For acts on shared things (holds on material several brands may hold).
 */
export const SiteOnly = (): MethodDecorator & ClassDecorator => SetMetadata(SITE_ONLY_KEY, true);

/**
 * A GET route that only reads and returns its answer (never one that writes to the response itself, never one that
 * acts): its handler starts reading while its access log entry is written, and nothing of its answer, not even an
 * error, leaves before the entry is durable; when the entry cannot be written the answer is dropped and the request
 * refused (503), as on any route (AccessLogInterceptor). For large reads behind a network hop: the entry's write is
 * one round trip (a journaled one) the answer no longer waits for before it starts.
 */
export const ReadsWhileLogged = (): MethodDecorator => SetMetadata(READS_WHILE_LOGGED_KEY, true);

/** Request carrying the authenticated principal (set by ApiKeyGuard). */
export interface AuthenticatedRequest {
  principal?: Principal;
}

/** The caller, as authenticated by ApiKeyGuard. */
export const Caller = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const principal = ctx.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw new Error('Caller used on a route without ApiKeyGuard'); // a wiring bug, not a client error
  return principal;
});

/** The brands the caller may see: the scope every query that reads serials must be given. */
export const CallerScope = createParamDecorator((_: unknown, ctx: ExecutionContext): BrandScope => {
  const principal = ctx.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw new Error('CallerScope used on a route without ApiKeyGuard');
  return principal.scope;
});
