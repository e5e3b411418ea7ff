import type { Principal, Session } from '@trace/access';
import type { SessionDto } from './session.dto';

/** A session as the browser sees it: who it stands for, its CSRF token and its expiry. */
export const sessionView = (principal: Principal, session: Session): SessionDto => ({
  keyId: principal.keyId,
  role: principal.role,
  brands: principal.scope.kind === 'site' ? '*' : [...principal.scope.brands],
  ...(principal.label ? { label: principal.label } : {}),
  csrfToken: session.csrfToken,
  expiresAt: session.expiresAt.toISOString(),
  idleExpiresAt: session.idleExpiresAt.toISOString(),
});

/** A session use case's answer over HTTP: the body, and the Set-Cookie header when the cookie changes. */
export interface SessionAnswer<T> {
  body: T;
  setCookie?: string;
}
