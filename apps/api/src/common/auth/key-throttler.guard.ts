import { applyDecorators, ExecutionContext, Injectable, UseGuards } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { ThrottlerGuard } from '@nestjs/throttler';
import { ErrorDto } from '../error.dto';
import { AuthenticatedRequest } from './auth.decorators';

/**
 * Rate limit per API key (not per address: many callers share a proxy, one key may come from many hosts). Runs after
 * ApiKeyGuard, so every request it sees carries a principal; over the limit it answers 429 with `Retry-After` (seconds).
 * One budget per key across every expensive route (the throttler's default counts each route apart). Counts are kept
 * in memory, per API instance.
 */
@Injectable()
export class KeyThrottlerGuard extends ThrottlerGuard {
  protected override getTracker(req: Record<string, unknown>): Promise<string> {
    const principal = (req as AuthenticatedRequest).principal;
    return Promise.resolve(principal ? `key:${principal.keyId}` : `ip:${String(req.ip)}`);
  }

  protected override generateKey(_context: ExecutionContext, tracker: string, throttlerName: string): string {
    return `${throttlerName}:${tracker}`;
  }
}

/** An expensive route (a walk of the graph, a report, an act): limited per key by KeyThrottlerGuard. */
export const Expensive = (): MethodDecorator & ClassDecorator =>
  applyDecorators(
    UseGuards(KeyThrottlerGuard),
    ApiResponse({ status: 429, type: ErrorDto, description: 'Too many expensive requests for this key: retry after `Retry-After` seconds' }),
  ) as MethodDecorator & ClassDecorator;
