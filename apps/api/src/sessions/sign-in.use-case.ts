import { Injectable, UnauthorizedException } from '@nestjs/common';
import { ApiKeysRepository, SessionsRepository } from '@trace/access';
import { sessionCookie } from '../common/auth/session.cookie';
import type { SessionDto } from './session.dto';
import { SessionAnswer, sessionView } from './session.view';

export interface SignInCommand {
  key: string;
  /** The session cookie the browser still holds, if any: ended by this sign-in. */
  previousToken?: string;
  /** Whether the request came over HTTPS (the cookie is then Secure). */
  secure: boolean;
}

/** Sign-in: an API key becomes a session bound to its id, and an HttpOnly cookie. One cookie, one live session. */
@Injectable()
export class SignInUseCase {
  constructor(
    private readonly keys: ApiKeysRepository,
    private readonly sessions: SessionsRepository,
  ) {}

  async execute({ key, previousToken, secure }: SignInCommand): Promise<SessionAnswer<SessionDto>> {
    const principal = await this.keys.authenticate(key);
    if (!principal) throw new UnauthorizedException('the API key is not valid or has been revoked');
    if (previousToken) await this.sessions.delete(previousToken);
    const { token, session } = await this.sessions.create(principal.keyId);
    return { body: sessionView(principal, session), setCookie: sessionCookie(token, { secure, maxAgeSeconds: (session.expiresAt.getTime() - Date.now()) / 1000 }) };
  }
}
