import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestLogProps } from '@trace/platform';
import { CORRELATION_LOCAL } from './auth/access-log.middleware';
import type { AuthenticatedRequest } from './auth/auth.decorators';

/** The API's fields on the line that ends a request: who asked (the key's id, never the key) and the correlation id. */
export const requestLogProps: RequestLogProps = (req: IncomingMessage, res: ServerResponse) => {
  const keyId = (req as IncomingMessage & AuthenticatedRequest).principal?.keyId;
  const correlationId = (res as ServerResponse & { locals?: Record<string, unknown> }).locals?.[CORRELATION_LOCAL];
  return { ...(keyId ? { keyId } : {}), ...(typeof correlationId === 'string' ? { correlationId } : {}) };
};
