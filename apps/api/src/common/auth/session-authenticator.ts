import { ForbiddenException, Injectable } from '@nestjs/common';
import { ApiKeysRepository, Principal, SessionsRepository, csrfMatches } from '@trace/access';
import type { Request } from 'express';
import { CSRF_HEADER, SESSION_COOKIE, cookieValue, isSafeMethod } from './session.cookie';

/**
 * The principal behind a browser's session cookie, for the guard: the session must be live, the key it is bound
 * to must still be valid (looked up by id on every request, so revoking it ends the session at once), and a request
 * that changes something must carry the session's CSRF token in X-CSRF-Token (SameSite=Strict is the first line,
 * this the second).
 */
@Injectable()
export class SessionAuthenticator {
  constructor(
    private readonly sessions: SessionsRepository,
    private readonly keys: ApiKeysRepository,
  ) {}

  /** Whether the request carries a session cookie at all. */
  hasCookie(request: Request): boolean {
    return cookieValue(request.headers.cookie, SESSION_COOKIE) !== undefined;
  }

  /** The principal, or null when the cookie names no live session of a valid key; 403 without the CSRF token. */
  async principal(request: Request): Promise<Principal | null> {
    const token = cookieValue(request.headers.cookie, SESSION_COOKIE);
    if (!token) return null;
    const session = await this.sessions.find(token);
    if (!session) return null;
    const principal = await this.keys.principalById(session.keyId);
    if (!principal) return null;
    if (!isSafeMethod(request.method) && !csrfMatches(session.csrfToken, headerOf(request, CSRF_HEADER))) {
      throw new ForbiddenException('this request needs the session\'s CSRF token in X-CSRF-Token');
    }
    return principal;
  }
}

const headerOf = (request: Request, name: string): string | undefined => {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
};
