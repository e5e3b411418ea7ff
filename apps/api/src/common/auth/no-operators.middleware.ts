import { BadRequestException, Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

/** How deep a query or body may nest: every request of this API is a few levels deep at most. */
export const MAX_INPUT_DEPTH = 16;

/**
 * Refuses any query-string or body key that looks like a MongoDB operator (`$ne`, `serial[$ne]`) or a
 * dotted path, before validation: such a value can never be an operator in a query of ours (every
 * value is validated as a plain string), and refusing it early makes the intent plain in the answer.
 * Refuses input nested deeper than MAX_INPUT_DEPTH too (400), before validation recurses into it.
 */
@Injectable()
export class NoOperatorsMiddleware implements NestMiddleware {
  use(req: Request, _res: Response, next: NextFunction): void {
    const bad = findOperatorKey(req.query) ?? findOperatorKey(req.body);
    if (bad !== undefined) throw new BadRequestException(`parameter names may not contain MongoDB operators ("${bad}")`);
    next();
  }
}

function findOperatorKey(value: unknown, depth = 0): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  if (depth >= MAX_INPUT_DEPTH) throw new BadRequestException(`the request nests deeper than ${MAX_INPUT_DEPTH} levels`);
  for (const [k, v] of Object.entries(value)) {
    if (k.startsWith('$') || k.includes('[$')) return k;
    const inner = findOperatorKey(v, depth + 1);
    if (inner !== undefined) return inner;
  }
  return undefined;
}
