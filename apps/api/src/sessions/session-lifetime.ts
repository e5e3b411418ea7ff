import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { SESSION_LIFETIME, SessionLifetime, SessionsRepository } from '@trace/access';

/** Gives the sessions repository the API's session lifetimes (SESSION_IDLE_MINUTES, SESSION_MAX_HOURS). */
@Injectable()
export class SessionLifetimeSettings implements OnModuleInit {
  constructor(
    private readonly sessions: SessionsRepository,
    @Inject(SESSION_LIFETIME) private readonly lifetime: SessionLifetime,
  ) {}

  onModuleInit(): void {
    this.sessions.configure(this.lifetime);
  }
}
