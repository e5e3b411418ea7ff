import { ForbiddenException, Injectable } from '@nestjs/common';
import { SessionsRepository, csrfMatches } from '@trace/access';
import { sessionCookie } from '../common/auth/session.cookie';
import type { SessionAnswer } from './session.view';

export interface SignOutCommand {
  token?: string;
  /** The X-CSRF-Token the request carried. */
  csrfToken?: string;
  secure: boolean;
}

/** Sign-out: ends the session (with its CSRF token) and clears the cookie; also when there was no session. */
@Injectable()
export class SignOutUseCase {
  constructor(private readonly sessions: SessionsRepository) {}

  async execute({ token, csrfToken, secure }: SignOutCommand): Promise<SessionAnswer<void>> {
    if (token) {
      const session = await this.sessions.find(token);
      if (session && !csrfMatches(session.csrfToken, csrfToken)) throw new ForbiddenException("signing out needs the session's CSRF token in X-CSRF-Token");
      await this.sessions.delete(token);
    }
    return { body: undefined, setCookie: sessionCookie('', { secure, maxAgeSeconds: 0 }) };
  }
}
