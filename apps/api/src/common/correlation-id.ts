import { BadRequestException, ExecutionContext, createParamDecorator } from '@nestjs/common';
import type { Request, Response } from 'express';
import { randomUUID } from 'node:crypto';
import { CORRELATION_LOCAL } from './auth/access-log.middleware';

const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The request's correlation id: the caller's `X-Correlation-Id` (validated), else a new one. Carried in every event
 * published and in the request's access-log entry, so an event leads back to the request that caused it.
 */
export const RequestCorrelationId = createParamDecorator((_: unknown, ctx: ExecutionContext): string => {
  const header = ctx.switchToHttp().getRequest<Request>().headers['x-correlation-id'];
  if (header !== undefined && (typeof header !== 'string' || !CORRELATION_ID.test(header))) {
    throw new BadRequestException('X-Correlation-Id must be 1-128 characters of A-Z a-z 0-9 . _ : -');
  }
  const id = header ?? randomUUID();
  ctx.switchToHttp().getResponse<Response>().locals[CORRELATION_LOCAL] = id;
  return id;
});
