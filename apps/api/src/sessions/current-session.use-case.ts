import { Injectable, UnauthorizedException } from '@nestjs/common';
import { Principal, SessionsRepository } from '@trace/access';
import type { SessionDto } from './session.dto';
import { sessionView } from './session.view';

export interface CurrentSessionCommand {
  principal: Principal;
  token?: string;
}

/** The signed-in session (what a reloaded page needs); 401 unless the request came with a live session cookie. */
@Injectable()
export class CurrentSessionUseCase {
  constructor(private readonly sessions: SessionsRepository) {}

  async execute({ principal, token }: CurrentSessionCommand): Promise<SessionDto> {
    const session = token ? await this.sessions.find(token) : null;
    if (!session) throw new UnauthorizedException('sign in first: this answers only to a session cookie');
    return sessionView(principal, session);
  }
}
