import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { Response } from 'express';
import { Observable, tap } from 'rxjs';
import { ITEMS_LOCAL } from './access-log.middleware';

/** Counts what a handler returned, for the access log: a list's items, else one answer. */
@Injectable()
export class ItemCountInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const res = context.switchToHttp().getResponse<Response>();
    return next.handle().pipe(
      tap((body: unknown) => {
        if (res.locals[ITEMS_LOCAL] !== undefined || body === undefined) return; // a stream counts for itself
        res.locals[ITEMS_LOCAL] = Array.isArray(body)
          ? body.length
          : body && typeof body === 'object' && Array.isArray((body as { items?: unknown }).items)
            ? (body as { items: unknown[] }).items.length
            : 1;
      }),
    );
  }
}
